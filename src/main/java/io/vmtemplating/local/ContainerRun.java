package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import java.time.Instant;
import java.util.Optional;

/** What the local node knows of a pod's container at one moment: the three states a kubelet reports. */
sealed interface ContainerRun {

    /** The pod's phase while its (only) container is in this state. */
    String podPhase();

    ContainerState state();

    /** The container's id in status ("vmt-local-node://PID"), once a process exists. */
    Optional<String> runtimeId();

    default boolean ready() {
        return false;
    }

    /** Container ids are the process ids, with the node's runtime as the scheme (as "containerd://ID"). */
    String ID_PREFIX = "vmt-local-node://";

    static String containerId(long pid) {
        return ID_PREFIX + pid;
    }

    /** Not started: a volume cannot be set up yet (the node retries). */
    record Waiting(String reason, String message) implements ContainerRun {
        @Override
        public String podPhase() {
            return "Pending";
        }

        @Override
        public ContainerState state() {
            return new ContainerStateBuilder().withNewWaiting().withReason(reason).withMessage(message).endWaiting().build();
        }

        @Override
        public Optional<String> runtimeId() {
            return Optional.empty();
        }
    }

    /** @param containerId "vmt-local-node://PID" */
    record Running(String containerId, Instant startedAt, boolean ready) implements ContainerRun {
        @Override
        public String podPhase() {
            return "Running";
        }

        @Override
        public ContainerState state() {
            return new ContainerStateBuilder().withNewRunning().withStartedAt(NodeDocuments.time(startedAt)).endRunning().build();
        }

        @Override
        public Optional<String> runtimeId() {
            return Optional.of(containerId);
        }
    }

    /**
     * @param containerId the process's id, or "" when there never was one (the command could not start)
     * @param startedAt   when it started, or the moment it failed to
     */
    record Terminated(String containerId, Instant startedAt, Instant finishedAt, int exitCode, String reason,
            String message) implements ContainerRun {
        @Override
        public String podPhase() {
            return exitCode == 0 ? "Succeeded" : "Failed";
        }

        @Override
        public ContainerState state() {
            return new ContainerStateBuilder().withNewTerminated()
                    .withContainerID(runtimeId().orElse(null))
                    .withExitCode(exitCode).withReason(reason).withMessage(message)
                    .withStartedAt(NodeDocuments.time(startedAt)).withFinishedAt(NodeDocuments.time(finishedAt))
                    .endTerminated().build();
        }

        @Override
        public Optional<String> runtimeId() {
            return containerId.isEmpty() ? Optional.empty() : Optional.of(containerId);
        }
    }
}
