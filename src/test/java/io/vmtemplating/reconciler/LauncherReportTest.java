package io.vmtemplating.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LauncherReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Seen in CI: the pod turned Ready before the reports' last answer, which still said -1; the clone's status got -1 ms. */
    @Test
    void aReportFromBeforeTheRestoreEndedHasNoRestoreTime() throws Exception {
        assertEquals(Optional.empty(), LauncherReport.of(JSON.readTree("{\"state\":\"restoring\",\"restoreMillis\":-1}"))
                .restoreMillisReported());
        assertEquals(Optional.of(212L), LauncherReport.of(JSON.readTree("{\"state\":\"running\",\"restoreMillis\":212}"))
                .restoreMillisReported());
    }
}
