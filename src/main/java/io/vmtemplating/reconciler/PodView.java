package io.vmtemplating.reconciler;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.vmtemplating.launcher.LauncherResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the operator reads from a launcher pod's status, the way a kubelet reports it. */
public record PodView(Pod pod) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public String phase() {
        return pod.getStatus() == null || pod.getStatus().getPhase() == null ? "Pending" : pod.getStatus().getPhase();
    }

    public boolean running() {
        return "Running".equals(phase());
    }

    public boolean succeeded() {
        return "Succeeded".equals(phase());
    }

    public boolean failed() {
        return "Failed".equals(phase());
    }

    public boolean finished() {
        return succeeded() || failed();
    }

    public boolean ready() {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    public String name() {
        return pod.getMetadata().getName();
    }

    public Optional<String> nodeName() {
        return Optional.ofNullable(pod.getSpec() == null ? null : pod.getSpec().getNodeName());
    }

    public Optional<Instant> created() {
        return Optional.ofNullable(pod.getMetadata().getCreationTimestamp()).map(Instant::parse);
    }

    /** When the launcher container started running (its current run). */
    public Optional<Instant> containerStartedAt() {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        for (ContainerStatus container : pod.getStatus().getContainerStatuses()) {
            if (container.getState() != null && container.getState().getRunning() != null
                    && container.getState().getRunning().getStartedAt() != null) {
                return Optional.of(Instant.parse(container.getState().getRunning().getStartedAt()));
            }
        }
        return Optional.empty();
    }

    /**
     * When the pod ended: its container's end; for a pod the kubelet rejected before any container ran (phase Failed,
     * reason NodeAffinity when its informer had not yet seen a label the scheduler placed it by), which has no
     * container state, its latest condition change (the scheduler's binding); else its creation. Empty only for a pod
     * with no time on it at all.
     */
    public Optional<Instant> endedAt() {
        Optional<Instant> containerEnd = terminated().map(ContainerStateTerminated::getFinishedAt).map(Instant::parse);
        if (containerEnd.isPresent()) {
            return containerEnd;
        }
        Optional<Instant> lastTransition = pod.getStatus() == null || pod.getStatus().getConditions() == null ? Optional.empty()
                : pod.getStatus().getConditions().stream().map(PodCondition::getLastTransitionTime).filter(t -> t != null && !t.isBlank())
                        .map(Instant::parse).max(Instant::compareTo);
        return lastTransition.or(this::created);
    }

    /** The launcher's JSON result, when its termination message holds one. */
    public Optional<LauncherResult> result() {
        return terminated().map(ContainerStateTerminated::getMessage).flatMap(PodView::parse);
    }

    /** Why the pod ended badly, in words: the launcher's error, else the log tail or the kubelet's reason. */
    public String failureMessage() {
        Optional<LauncherResult> result = result();
        if (result.isPresent() && result.get().error() != null) {
            return result.get().error();
        }
        Optional<ContainerStateTerminated> terminated = terminated();
        if (terminated.isPresent()) {
            ContainerStateTerminated t = terminated.get();
            String message = t.getMessage() == null || t.getMessage().isBlank() ? "" : ": " + t.getMessage().strip();
            return "launcher exited with code " + t.getExitCode() + message;
        }
        String reason = pod.getStatus() == null ? null : pod.getStatus().getReason();
        String message = pod.getStatus() == null ? null : pod.getStatus().getMessage();
        return "pod " + phase() + (reason == null ? "" : " (" + reason + ")") + (message == null ? "" : ": " + message);
    }

    /** A short description of why a pod is still pending (scheduling, image pull ...). */
    public String pendingMessage() {
        if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
            for (PodCondition condition : pod.getStatus().getConditions()) {
                if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())) {
                    return "pod " + name() + " is not scheduled: " + condition.getMessage();
                }
            }
        }
        if (pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null) {
            for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
                if (status.getState() != null && status.getState().getWaiting() != null) {
                    var waiting = status.getState().getWaiting();
                    return "pod " + name() + " is waiting: " + waiting.getReason()
                            + (waiting.getMessage() == null ? "" : " (" + waiting.getMessage() + ")");
                }
            }
        }
        return "pod " + name() + " is pending";
    }

    /**
     * Scheduled at least {@code after} ago and its container still being created: the kubelet may be stuck on a volume,
     * which it reports only as Events ({@link PodTrouble}).
     */
    public boolean creatingContainerLongerThan(Duration after, Instant now) {
        if (!"Pending".equals(phase()) || pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return false;
        }
        Optional<Instant> scheduled = pod.getStatus().getConditions().stream()
                .filter(c -> "PodScheduled".equals(c.getType()) && "True".equals(c.getStatus()) && c.getLastTransitionTime() != null)
                .map(c -> Instant.parse(c.getLastTransitionTime())).findFirst();
        if (scheduled.isEmpty() || scheduled.get().plus(after).isAfter(now)) {
            return false;
        }
        List<ContainerStatus> containers = pod.getStatus().getContainerStatuses();
        return containers == null || containers.isEmpty() || containers.stream().allMatch(c -> c.getState() == null
                || c.getState().getWaiting() != null && "ContainerCreating".equals(c.getState().getWaiting().getReason()));
    }

    private Optional<ContainerStateTerminated> terminated() {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        return pod.getStatus().getContainerStatuses().stream()
                .filter(s -> VmResources.CONTAINER_NAME.equals(s.getName()))
                .map(s -> s.getState() == null ? null : s.getState().getTerminated())
                .filter(t -> t != null)
                .findFirst();
    }

    private static Optional<LauncherResult> parse(String message) {
        if (message == null || !message.strip().startsWith("{")) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(message, LauncherResult.class));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
