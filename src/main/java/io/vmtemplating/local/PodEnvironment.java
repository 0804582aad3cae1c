package io.vmtemplating.local;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment every container of a local node starts with, before the pod's own variables: what the vmt script
 * and QEMU need from this machine. A container image would carry these; here they come from the node's process.
 */
public final class PodEnvironment {
    /** Passed through when set: the launcher is the vmt script, which needs java, a home and the JVM's options. */
    static final List<String> INHERITED = List.of("PATH", "HOME", "JAVA_HOME", "LANG", "VMT_JAVA_OPTS", "TMPDIR");

    private PodEnvironment() {
    }

    /** @param hostEnv the node process's environment ({@code System.getenv()}) */
    public static Map<String, String> inherited(Map<String, String> hostEnv) {
        Map<String, String> env = new TreeMap<>();
        for (String name : INHERITED) {
            String value = hostEnv.get(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        // /dev/kvm can open on nested hosts whose guests then hang (seen on the development machines):
        // local nodes run TCG unless VMT_ACCEL says kvm or auto
        env.put("VMT_ACCEL", hostEnv.getOrDefault("VMT_ACCEL", "tcg"));
        return env;
    }
}
