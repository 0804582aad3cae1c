package io.vmtemplating.launcher;

import io.vmtemplating.api.v1alpha1.VmCloneSpec;
import io.vmtemplating.api.v1alpha1.VmTemplateSpec;
import io.vmtemplating.qemu.HostFacts;
import io.vmtemplating.qemu.HostProbe;
import io.vmtemplating.qemu.VmDefinition;
import io.vmtemplating.webhook.BootFileDirs;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** What every launcher mode reads from the pod: environment, resolved paths, the termination message, streams. */
record LauncherContext(Map<String, String> env, PodPaths paths, long processStartNanos, long mainNanos, TerminationMessage termination,
        PrintStream out, PrintStream err) {
    /** Not part of the pod contract: lets a node (or a test) name another QEMU binary. */
    static final String ENV_QEMU_BINARY = "VMT_QEMU_BINARY";

    /**
     * Not part of the pod contract: tcg|kvm|auto (default auto: KVM when /dev/kvm is usable). On nested hosts /dev/kvm
     * can open while guests never run under it; such a node (or a test) says tcg.
     */
    static final String ENV_ACCEL = "VMT_ACCEL";

    /** What the command line needs, without running {@code qemu --version} (a process start before QEMU's). */
    HostFacts hostFactsForCommandLine() {
        String accel = env.getOrDefault(ENV_ACCEL, "auto");
        boolean kvm = switch (accel) {
            case "tcg" -> false;
            case "kvm" -> true;
            default -> HostProbe.kvmDeviceUsable();
        };
        // QemuCommandLine never reads the version; the freezer records, and the restorer checks, the version the
        // started QEMU states in its QMP greeting
        return new HostFacts(qemuBinary(), kvm, HostFacts.VERSION_UNPROBED);
    }

    /** A pool member: its paused guest is warmed up before the handover ({@link PodContract#ENV_WARM_UP}). */
    boolean warmUp() {
        return "true".equals(env.get(PodContract.ENV_WARM_UP));
    }

    /** The template's spec, refused (InvalidSpecException) unless it passes admission's checks ({@link SpecAdmission}). */
    VmTemplateSpec templateSpec() {
        return SpecAdmission.template(env.get(PodContract.ENV_TEMPLATE_SPEC), bootFileDirs());
    }

    /**
     * The boot-file allow-list the operator put into the pod; the default one when a pod has none (written by hand, or
     * by an older operator): never "anything goes".
     */
    BootFileDirs bootFileDirs() {
        String dirs = env.get(PodContract.ENV_BOOT_FILE_DIRS);
        if (dirs == null || dirs.isBlank()) {
            return BootFileDirs.DEFAULT;
        }
        try {
            return BootFileDirs.parse(dirs);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException(PodContract.ENV_BOOT_FILE_DIRS, e.getMessage());
        }
    }

    /** The template's VM, rendered for this pod's paths. */
    VmDefinition render(VmTemplateSpec spec) {
        return VmDefinitionRenderer.render(spec, paths, bootFileDirs());
    }

    /** Refuses boot files that lead out of their volume (symbolic links), just before QEMU opens them. */
    void checkBootFiles(VmTemplateSpec spec) {
        BootFileCheck.check(BootFileLocation.all(spec.boot(), bootFileDirs()), paths);
    }

    /** The clone's spec, refused unless it passes admission's checks against its template. */
    VmCloneSpec cloneSpec(VmTemplateSpec template) {
        return SpecAdmission.clone(env.get(PodContract.ENV_CLONE_SPEC), template);
    }

    /** The clone keeper's line, which the keeper gives its child ({@link KeeperChannel}). */
    KeeperChannel keeper() throws java.io.IOException {
        return KeeperChannel.open(env);
    }

    String podIp() {
        String ip = env.get(PodContract.ENV_POD_IP);
        return ip == null || ip.isBlank() ? "127.0.0.1" : ip;
    }

    /** Where the HTTP endpoint listens: {@link PodContract#HTTP_PORT}, or the port a local node gave it. */
    int httpPort() {
        return PortMap.parse(env.get(PortMap.ENV_PORT_MAP)).nodePort(PodContract.HTTP_PORT);
    }

    String qemuBinary() {
        String binary = env.get(ENV_QEMU_BINARY);
        return binary == null || binary.isBlank() ? "qemu-system-x86_64" : binary;
    }


    long millisSinceProcessStart() {
        return (System.nanoTime() - processStartNanos) / 1_000_000;
    }

    /**
     * The launcher overhead line: process start → QEMU exec, split into the JVM's own start (shell entry, JVM
     * boot, up to main) and the launcher's code from main to the exec.
     */
    String overheadLine(long overheadMillis) {
        long jvmMillis = (mainNanos - processStartNanos) / 1_000_000;
        return "launcher-overhead-ms=" + overheadMillis + " (to main " + jvmMillis + ", main to QEMU exec " + (overheadMillis - jvmMillis) + ")";
    }

    /** The last lines of QEMU's log (its stderr), for error messages. */
    static String tail(Path log, int maxChars) {
        try {
            String text = Files.readString(log).strip();
            return text.length() <= maxChars ? text : "..." + text.substring(text.length() - maxChars);
        } catch (Exception e) {
            return "(no QEMU log)";
        }
    }

    /** Removes what a failed or aborted build left in a directory, keeping the directory (it is a mount). */
    static void clearDirectory(Path directory) {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (var children = Files.list(directory)) {
            children.forEach(Cleanup::deleteRecursively);
        } catch (Exception e) {
            System.err.println("cannot clear " + directory + ": " + e.getMessage());
        }
    }
}
