package io.vmtemplating.reconciler;

import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vmtemplating.api.v1alpha1.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why the kubelet cannot start a launcher pod, as a condition reason and a message that names the cause and the fix:
 * an image the node does not have and cannot pull (the container's waiting reason), or a volume it cannot mount. The
 * kubelet reports a failed mount only as a FailedMount Event: the pod itself just stays ContainerCreating.
 */
public record PodTrouble(String reason, String message) {
    /** The kubelet's waiting reasons for an image it cannot get (kubelet/images). */
    static final Set<String> IMAGE_WAITING_REASONS =
            Set.of("ErrImagePull", "ImagePullBackOff", "ErrImageNeverPull", "InvalidImageName", "ImageInspectError");
    static final String FAILED_MOUNT = "FailedMount";
    /** The volume a kubelet's mount error names: {@code MountVolume.SetUp failed for volume "boot-kernel" : ...}. */
    private static final Pattern VOLUME = Pattern.compile("for volume \"([^\"]+)\"");

    /**
     * How long a kubelet may take creating a container before the pod's Events are read: mounts take milliseconds, and
     * a pod that is only starting costs no request. The reconcilers look again after it while a pod is being created.
     */
    static final Duration EVENTS_AFTER = Duration.ofSeconds(3);

    /** The trouble of a pending pod: its status, and its Events once it has been ContainerCreating for a while. */
    static Optional<PodTrouble> find(KubernetesClient client, PodView pod, Instant now) {
        List<Event> events = pod.creatingContainerLongerThan(EVENTS_AFTER, now) ? events(client, pod) : List.of();
        return of(pod, events);
    }

    /** A pod's Events (list on events: the kubelet's FailedMount is nowhere else). */
    static List<Event> events(KubernetesClient client, PodView pod) {
        var events = client.v1().events().inNamespace(pod.pod().getMetadata().getNamespace());
        String uid = pod.pod().getMetadata().getUid();
        return (uid == null ? events : events.withField("involvedObject.uid", uid)).list().getItems();
    }

    /** The trouble of a pending pod, from its status and (for mounts) its events; empty while it just starts. */
    static Optional<PodTrouble> of(PodView pod, List<Event> events) {
        Optional<PodTrouble> image = image(pod);
        return image.isPresent() ? image : mount(pod, events);
    }

    static Optional<PodTrouble> image(PodView pod) {
        if (pod.pod().getStatus() == null || pod.pod().getStatus().getContainerStatuses() == null) {
            return Optional.empty();
        }
        for (ContainerStatus status : pod.pod().getStatus().getContainerStatuses()) {
            ContainerStateWaiting waiting = status.getState() == null ? null : status.getState().getWaiting();
            if (waiting != null && IMAGE_WAITING_REASONS.contains(waiting.getReason())) {
                String image = status.getImage() != null && !status.getImage().isBlank() ? status.getImage()
                        : pod.pod().getSpec().getContainers().get(0).getImage();
                return Optional.of(new PodTrouble(Conditions.REASON_IMAGE_PULL_FAILED, "node " + pod.nodeName().orElse("?")
                        + " cannot start pod " + pod.name() + ": image " + image + " is not in the node's container runtime and"
                        + " cannot be pulled (" + waiting.getReason() + (blank(waiting.getMessage()) ? "" : ": " + waiting.getMessage().strip())
                        + "); load the image on the node (e.g. ctr -n k8s.io images import) or set the operator's launcher image"
                        + " (VMT_LAUNCHER_IMAGE, set by kustomize edit set image) to one the nodes have"));
            }
        }
        return Optional.empty();
    }

    static Optional<PodTrouble> mount(PodView pod, List<Event> events) {
        String uid = pod.pod().getMetadata().getUid();
        Optional<Event> latest = events.stream()
                .filter(e -> FAILED_MOUNT.equals(e.getReason()) && e.getInvolvedObject() != null
                        && (uid == null || uid.equals(e.getInvolvedObject().getUid()))
                        && pod.name().equals(e.getInvolvedObject().getName()))
                // the kubelet's own error (MountVolume.SetUp failed ...) over its later "timed out" summary
                .max(Comparator.comparing((Event e) -> e.getMessage() != null && e.getMessage().contains("MountVolume"))
                        .thenComparing(PodTrouble::lastSeen));
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        String kubelet = latest.get().getMessage() == null ? "" : latest.get().getMessage().strip();
        Matcher volume = VOLUME.matcher(kubelet);
        String node = pod.nodeName().orElse("?");
        String fix;
        if (volume.find() && volume.group(1).startsWith("boot-")) {
            String field = "spec.boot." + volume.group(1).substring("boot-".length()) + ".hostPath.path";
            fix = field + ": its directory cannot be mounted on node " + node + "; create the directory on the node (the"
                    + " operator allows boot files from it, vmt.boot-file-dirs) and put the file there, or move the file to a"
                    + " directory the node has";
        } else {
            fix = "a volume of the pod cannot be mounted on node " + node + "; make it available there";
        }
        return Optional.of(new PodTrouble(Conditions.REASON_VOLUME_MOUNT_FAILED,
                "pod " + pod.name() + " is stuck in ContainerCreating: " + fix + " (kubelet: " + kubelet + ")"));
    }

    private static String lastSeen(Event event) {
        String seen = event.getLastTimestamp() != null ? event.getLastTimestamp()
                : event.getEventTime() != null ? event.getEventTime().getTime() : event.getFirstTimestamp();
        return seen == null ? "" : seen;
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
