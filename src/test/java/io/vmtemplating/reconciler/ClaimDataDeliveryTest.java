package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vmtemplating.api.v1alpha1.ClonePhase;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmCloneStatus;
import io.vmtemplating.api.v1alpha1.types.ClaimDataStatus;
import io.vmtemplating.api.v1alpha1.types.ClaimDataTarget;
import io.vmtemplating.api.v1alpha1.types.Condition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure parts of a delivery: the POST body, and the status when the launcher reports it delivered or the guest is paused. */
class ClaimDataDeliveryTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T18:00:00Z"), ZoneOffset.UTC);
    private static final ClaimDataTarget TARGET = new ClaimDataTarget("/run/vmtemplating", null);

    private static VmClone claim() {
        VmClone clone = Serialization.unmarshal("""
                apiVersion: vmtemplating.io/v1alpha1
                kind: VmClone
                metadata: {name: c1, namespace: team-a, uid: u-1, generation: 1}
                spec:
                  poolRef: {name: warm}
                  claimData: {secretRef: {name: creds}}
                """, VmClone.class);
        return clone;
    }

    private static Condition condition(VmCloneStatus status, String type) {
        return status.conditions().stream().filter(c -> c.type().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void theBodyCarriesIdentityTheSecretsDataAsGivenAndItsVersion() throws Exception {
        Secret secret = new SecretBuilder().withMetadata(new ObjectMetaBuilder().withName("creds").withResourceVersion("42").build())
                .withData(Map.of("token", "czNjcmV0")).build();
        assertEquals(new ObjectMapper().readTree("{\"uid\":\"u-1\",\"name\":\"c1\",\"namespace\":\"team-a\","
                        + "\"data\":{\"token\":\"czNjcmV0\"},\"secretResourceVersion\":\"42\"}"),
                new ObjectMapper().readTree(ClaimDataDelivery.body(claim(), Optional.of(secret))));
        assertEquals(new ObjectMapper().readTree("{\"uid\":\"u-1\",\"name\":\"c1\",\"namespace\":\"team-a\",\"data\":{}}"),
                new ObjectMapper().readTree(ClaimDataDelivery.body(claim(), Optional.empty())), "no Secret: the identity alone");
    }

    @Test
    void aDeliveryTheLauncherReportsForThisCloneMakesItReady() {
        CloneStatusBuilder status = new CloneStatusBuilder(claim(), CLOCK).running(false, 180L, null);
        LauncherReport report = new LauncherReport("running", 180L, null, new LauncherReport.ClaimData("u-1", true, 5, 164, "42", null));
        assertEquals(ClaimDataDelivery.Step.DELIVERED, ClaimDataDelivery.afterRestore(claim(), null, TARGET, Optional.of(report),
                false, status, null, null));
        VmCloneStatus built = status.build();
        assertEquals(ClonePhase.Running, built.phase());
        assertEquals(List.of(Conditions.TRUE, Conditions.REASON_DELIVERED, "the guest acknowledged 5 files in /run/vmtemplating after 164 ms"),
                List.of(condition(built, Conditions.CLAIM_DATA_DELIVERED).status(), condition(built, Conditions.CLAIM_DATA_DELIVERED).reason(),
                        condition(built, Conditions.CLAIM_DATA_DELIVERED).message()));
        assertEquals(new ClaimDataStatus("/run/vmtemplating", 5, "42", 164L), built.claimData());
    }

    @Test
    void aPausedGuestWaitsForItsResumeAndNothingIsSent() {
        CloneStatusBuilder status = new CloneStatusBuilder(claim(), CLOCK).running(true, 180L, null);
        // another claim's delivery (a different uid) counts for nothing; no client, no reports: nothing may be called
        LauncherReport report = new LauncherReport("paused", 180L, null, new LauncherReport.ClaimData("u-other", true, 5, 1, null, null));
        assertEquals(ClaimDataDelivery.Step.NONE, ClaimDataDelivery.afterRestore(claim(), null, TARGET, Optional.of(report),
                true, status, null, null));
        VmCloneStatus built = status.build();
        assertEquals(ClonePhase.Paused, built.phase());
        assertEquals(Conditions.REASON_GUEST_PAUSED, condition(built, Conditions.CLAIM_DATA_DELIVERED).reason());
    }

    @Test
    void aMissingSecretNamesTheFieldAndTheFix() {
        assertEquals("spec.claimData.secretRef.name: Secret creds does not exist in namespace team-a; create it (the clone"
                + " waits for it and checks again every 5 s), or recreate the VmClone without spec.claimData",
                ClaimDataDelivery.missingMessage(claim(), "creds"));
    }
}
