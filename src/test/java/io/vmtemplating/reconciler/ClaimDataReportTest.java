package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the operator reads from the launcher about claim data: /status's claimData and POST /claim-data's answer. */
class ClaimDataReportTest {
    private static final String DELIVERED = "{\"uid\":\"u-1\",\"state\":\"delivered\",\"files\":5,\"millis\":164,"
            + "\"secretResourceVersion\":\"42\",\"error\":null}";

    @Test
    void statusCarriesTheLastDeliveryForOneCloneOnly() throws Exception {
        LauncherReport report = LauncherReport.of(new ObjectMapper().readTree("{\"state\":\"running\",\"claimData\":" + DELIVERED + "}"));
        assertEquals(Optional.of(new LauncherReport.ClaimData("u-1", true, 5, 164, "42", null)), report.claimDataFor("u-1"));
        assertEquals(Optional.empty(), report.claimDataFor("u-2"), "a member's earlier claim is not this clone's");
        assertEquals(Optional.empty(), LauncherReport.of(new ObjectMapper().readTree("{\"state\":\"running\"}")).claimDataFor("u-1"));
    }

    @Test
    void theAnswerToThePostAmendsTheLastReport() {
        LauncherReport before = new LauncherReport("running", 180L, null);
        LauncherReport.ClaimData failed = LauncherReport.claimDataAnswer("{\"uid\":\"u-1\",\"state\":\"failed\",\"files\":0,"
                + "\"millis\":30000,\"error\":\"the guest agent did not answer in time\"}").orElseThrow();
        assertEquals(new LauncherReport("running", 180L, null, new LauncherReport.ClaimData("u-1", false, 0, 30000, null,
                "the guest agent did not answer in time")), before.withClaimData(failed));
        assertEquals(Optional.empty(), LauncherReport.claimDataAnswer("the guest is not running: its agent cannot answer"));
        assertEquals(Optional.empty(), LauncherReport.claimDataAnswer("{}"));
    }
}
