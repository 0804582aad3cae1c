package io.vmtemplating.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PodEnvironmentTest {

    @Test
    void passesWhatTheLauncherNeedsAndNothingElse() {
        Map<String, String> host = Map.of("PATH", "/usr/bin", "JAVA_HOME", "/jdk", "HOME", "/root",
                "KUBECONFIG", "/secret/admin.kubeconfig", "SSH_AUTH_SOCK", "/tmp/agent");
        assertEquals(Map.of("PATH", "/usr/bin", "JAVA_HOME", "/jdk", "HOME", "/root", "VMT_ACCEL", "tcg"),
                PodEnvironment.inherited(host));
    }

    @Test
    void acceleratorChosenOnTheHostWins() {
        assertEquals(Map.of("VMT_ACCEL", "kvm", "VMT_JAVA_OPTS", "-Xint"),
                PodEnvironment.inherited(Map.of("VMT_ACCEL", "kvm", "VMT_JAVA_OPTS", "-Xint")));
    }
}
