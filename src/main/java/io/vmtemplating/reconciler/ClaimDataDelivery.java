package io.vmtemplating.reconciler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.types.ClaimDataStatus;
import io.vmtemplating.api.v1alpha1.types.ClaimDataTarget;
import java.time.Duration;
import java.util.Optional;

/**
 * A clone's identity and claim data, on their way into its guest (templates with spec.claimData): the Secret is read
 * here (one GET by name: the operator may get Secrets, never list or watch them), the POST to the launcher runs on
 * the reports' threads, and its report — what the guest agent acknowledged — decides the ClaimDataDelivered
 * condition. The same for a warm claim, a cold claim and a plain clone; nothing is delivered twice.
 */
final class ClaimDataDelivery {
    /** How soon a clone waiting for its Secret, or for a delivery to be retried, looks again. */
    static final Duration RETRY = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the reconcile should do next about claim data. */
    enum Step { NONE, DELIVERED, WAITING }

    private ClaimDataDelivery() {
    }

    /** The template's spec.claimData, if it declares one. */
    static Optional<ClaimDataTarget> target(Optional<VmTemplate> template) {
        return template.map(VmTemplate::getSpec).map(spec -> spec.claimData());
    }

    /**
     * Before a pod is created or a member taken: a Secret that does not exist leaves the clone Pending with a
     * condition naming the field and the fix, and nothing is started or taken from a pool.
     */
    static Optional<String> missingSecret(VmClone clone, KubernetesClient client) {
        return secretName(clone).filter(name -> readSecret(clone, name, client).isEmpty())
                .map(name -> missingMessage(clone, name));
    }

    static String missingMessage(VmClone clone, String name) {
        return "spec.claimData.secretRef.name: Secret " + name + " does not exist in namespace "
                + clone.getMetadata().getNamespace() + "; create it (the clone waits for it and checks again every "
                + RETRY.toSeconds() + " s), or recreate the VmClone without spec.claimData";
    }

    /**
     * After the restore, with the guest running: delivered already (the report says so for this clone's uid), or
     * the POST is sent now and the clone waits for the report.
     *
     * @param reported the launcher's last report for this clone, if any
     */
    static Step afterRestore(VmClone clone, Pod pod, ClaimDataTarget target, Optional<LauncherReport> reported,
            boolean guestPaused, CloneStatusBuilder status, LauncherReports reports, KubernetesClient client) {
        Optional<LauncherReport.ClaimData> last = reported.flatMap(r -> r.claimDataFor(clone.getMetadata().getUid()));
        if (last.isPresent() && last.get().delivered()) {
            status.claimDataDelivered(new ClaimDataStatus(target.directory(), last.get().files(),
                    last.get().secretResourceVersion(), last.get().millis()));
            return Step.DELIVERED;
        }
        if (guestPaused) {
            status.claimDataPending(Conditions.REASON_GUEST_PAUSED, "the guest is paused, so its agent cannot answer;"
                    + " the claim data is delivered when spec.running is true");
            return Step.NONE;
        }
        Optional<String> name = secretName(clone);
        Optional<Secret> secret = name.flatMap(n -> readSecret(clone, n, client));
        if (name.isPresent() && secret.isEmpty()) {
            status.deliveringClaimData(Conditions.REASON_SECRET_NOT_FOUND, missingMessage(clone, name.get()));
            return Step.WAITING;
        }
        reports.deliver(ResourceID.fromResource(clone), pod, body(clone, secret), timeout(target));
        if (last.isPresent()) {
            status.deliveringClaimData(Conditions.REASON_CLAIM_DATA_FAILED, "the guest agent did not acknowledge the"
                    + " claim data: " + last.get().error() + "; retrying (the guest must run qemu-guest-agent on"
                    + " org.qemu.guest_agent.0, as spec.claimData of the template declares)");
        } else {
            status.deliveringClaimData(Conditions.REASON_DELIVERING_CLAIM_DATA, "writing the clone's identity"
                    + (secret.isPresent() ? " and Secret " + name.get() : "") + " to " + target.directory()
                    + " through the guest agent");
        }
        return Step.WAITING;
    }

    /** The launcher's wait for the guest agent, and a little for the HTTP round trip. */
    static Duration timeout(ClaimDataTarget target) {
        return Duration.ofSeconds((target.timeoutSeconds() == null ? 30 : target.timeoutSeconds()) + 5L);
    }

    /** The POST /claim-data body (launcher.ClaimFiles reads it): the Secret's data stays base64, as the API gives it. */
    static String body(VmClone clone, Optional<Secret> secret) {
        ObjectNode body = JSON.createObjectNode()
                .put("uid", clone.getMetadata().getUid())
                .put("name", clone.getMetadata().getName())
                .put("namespace", clone.getMetadata().getNamespace());
        ObjectNode data = body.putObject("data");
        secret.ifPresent(s -> {
            body.put("secretResourceVersion", s.getMetadata().getResourceVersion());
            if (s.getData() != null) {
                s.getData().forEach(data::put);
            }
            if (s.getStringData() != null) {
                // an API server turns stringData into data on write; the local one stores it as the client sent it
                s.getStringData().forEach((key, value) -> data.put(key,
                        java.util.Base64.getEncoder().encodeToString(value.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
            }
        });
        return body.toString();
    }

    private static Optional<String> secretName(VmClone clone) {
        return Optional.ofNullable(clone.getSpec().claimData()).map(c -> c.secretRef()).map(r -> r.name());
    }

    private static Optional<Secret> readSecret(VmClone clone, String name, KubernetesClient client) {
        String namespace = clone.getMetadata().getNamespace();
        try {
            return Optional.ofNullable(client.secrets().inNamespace(namespace).withName(name).get());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 403) {
                // in the clone's Reconciled condition, with JOSDK's retries: the admin's fix is one kubectl apply
                throw new IllegalStateException("the operator may not read Secret " + name + " (spec.claimData.secretRef.name)"
                        + " in namespace " + namespace + ": apply deploy/vm-namespace/claim-data-secrets.yaml there", e);
            }
            throw e;
        }
    }
}
