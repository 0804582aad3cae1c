package io.vmtemplating.local;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Containers an earlier run of the node started and lost when it ended (a restart): the pod's status says its
 * container runs, though this run never started it. The process is gone with the node or is killed now; the
 * container ran once, so the pod fails rather than running it a second time (restartPolicy Never, as the
 * operator's pods are, must not see its command twice).
 */
final class LostContainers {
    private LostContainers() {
    }

    /** The status of the pod's container that an earlier run started, if its status says it runs. */
    static Optional<ContainerStatus> startedEarlier(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(c -> c.getState() != null && c.getState().getRunning() != null).findFirst();
    }

    /** Kills what is left of the container, writes the pod Failed; returns why, in words. */
    static String fail(Pod pod, PodStatusWriter statuses) {
        ContainerStatus container = startedEarlier(pod).orElseThrow();
        String startedText = container.getState().getRunning().getStartedAt();
        Instant startedAt = startedText == null ? Instant.now() : Instant.parse(startedText);
        boolean killed = PodProcess.killStray(container.getContainerID(), startedAt);
        String message = "the local node restarted and lost this pod's container, which its earlier run had started"
                + (killed ? " (its process was still running and has been killed)" : "")
                + "; the container is not run a second time";
        Instant now = Instant.now();
        // kubelet's reason (and, when nothing was left, its words) for a container it lost track of
        var run = new ContainerRun.Terminated(Objects.requireNonNullElse(container.getContainerID(), ""), startedAt, now,
                137, "ContainerStatusUnknown", killed ? "The container was left by the node's earlier run and has been killed"
                        : "The container could not be located when the pod was terminated");
        statuses.write(pod, p -> PodStatuses.ended(p, p.getStatus().getPodIP(), run, "NodeRestarted", message, now));
        return message;
    }
}
