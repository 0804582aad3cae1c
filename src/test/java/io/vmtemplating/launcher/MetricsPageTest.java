package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmtemplating.monitoring.PromText;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The launcher's page, exact, and as Prometheus' parser and promlint read it. */
class MetricsPageTest {

    @Test
    void gaugesInTheTextFormat() {
        String text = new MetricsPage()
                .gauge("vmtemplating_launcher_guest_running", "1 when the guest runs", 1)
                .gauge("vmtemplating_launcher_restore_seconds", "start until \\ running\nnext", 0.187)
                .gauge("vmtemplating_launcher_qemu_rss_bytes", "RSS", 31 * 1024.0 * 1024.0)
                .text();
        assertEquals("""
                # HELP vmtemplating_launcher_guest_running 1 when the guest runs
                # TYPE vmtemplating_launcher_guest_running gauge
                vmtemplating_launcher_guest_running 1
                # HELP vmtemplating_launcher_restore_seconds start until \\\\ running\\nnext
                # TYPE vmtemplating_launcher_restore_seconds gauge
                vmtemplating_launcher_restore_seconds 0.187
                # HELP vmtemplating_launcher_qemu_rss_bytes RSS
                # TYPE vmtemplating_launcher_qemu_rss_bytes gauge
                vmtemplating_launcher_qemu_rss_bytes 32505856
                """, text);
        PromText.Page page = PromText.parse(text);
        assertEquals(List.of(), page.problems());
        assertEquals("start until \\ running\nnext", page.family("vmtemplating_launcher_restore_seconds").orElseThrow().help());
        assertEquals(0.187, page.family("vmtemplating_launcher_restore_seconds").orElseThrow().series().get(0).value());
        assertEquals(32505856.0, page.family("vmtemplating_launcher_qemu_rss_bytes").orElseThrow().series().get(0).value());
    }
}
