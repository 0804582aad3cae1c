package io.vmtemplating.api.v1alpha1;

/** Condition types and reasons, in one place so the operator, tests and docs agree. */
public final class Conditions {
    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";

    /** Template: frozen and usable. Clone: guest running (or paused on request). */
    public static final String READY = "Ready";
    /** Clone: its template is Ready. */
    public static final String TEMPLATE_READY = "TemplateReady";
    /**
     * True while the object failed in a way no retry mends (kstatus' "abnormal-true" condition: Flux, kubectl wait and
     * kpt then report Failed instead of waiting for Ready until their timeout). Same reason and message as Ready.
     */
    public static final String STALLED = "Stalled";
    /**
     * False while reconciling the object fails (an API server refusal, a bug): reason and message say how; gone
     * with the next reconcile that succeeds.
     */
    public static final String RECONCILED = "Reconciled";
    /** Template with more than one copy: True when every copy is Ready, False naming those that are not. */
    public static final String ALL_NODES_READY = "AllNodesReady";
    public static final String REASON_ALL_COPIES_READY = "AllCopiesReady";
    public static final String REASON_COPIES_NOT_READY = "CopiesNotReady";
    /**
     * Clone of a template with spec.claimData: its guest acknowledged the clone's name, namespace, uid and the data of
     * its spec.claimData Secret. Ready waits for it.
     */
    public static final String CLAIM_DATA_DELIVERED = "ClaimDataDelivered";
    /** Pool: members stay Pending because the node cannot hold them (the scheduler says Unschedulable). */
    public static final String CAPACITY_LIMITED = "CapacityLimited";
    /** Template: deletion waits for clones. */
    public static final String DELETION_BLOCKED = "DeletionBlocked";

    public static final String REASON_POD_PENDING = "PodPending";
    public static final String REASON_BOOTING = "Booting";
    public static final String REASON_FREEZING = "Freezing";
    public static final String REASON_FROZEN = "Frozen";
    public static final String REASON_BUILD_FAILED = "BuildFailed";
    public static final String REASON_BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded";
    public static final String REASON_INVALID_SPEC = "InvalidSpec";
    public static final String REASON_CLONES_REMAIN = "ClonesRemain";
    public static final String REASON_TEMPLATE_NOT_READY = "TemplateNotReady";
    /** A clone's spec.nodeSelector matches none of the nodes with a Ready copy of its template (yet). */
    public static final String REASON_NO_READY_COPY_SELECTED = "NoReadyCopySelected";
    public static final String REASON_TEMPLATE_NOT_FOUND = "TemplateNotFound";
    public static final String REASON_TEMPLATE_FILES_MISSING = "TemplateFilesMissing";
    /** A clone whose report of missing files the template acted on: it waits for the rebuild to end. */
    public static final String REASON_TEMPLATE_REBUILDING = "TemplateRebuilding";
    public static final String REASON_RESTORING = "Restoring";
    public static final String REASON_RUNNING = "Running";
    public static final String REASON_PAUSED = "Paused";
    public static final String REASON_GUEST_POWERED_OFF = "GuestPoweredOff";
    public static final String REASON_RESTORE_FAILED = "RestoreFailed";
    /** A clone's QEMU or launcher died after the guest was running. */
    public static final String REASON_CRASHED = "Crashed";
    public static final String REASON_POD_LOST = "PodLost";
    /** A template copy's or a clone's node is gone from the cluster, and what ran there with it. */
    public static final String REASON_NODE_LOST = "NodeLost";
    /** A copy's node no longer matches the template's placement (relabelled): drained, its files removed, rebuilt. */
    public static final String REASON_NODE_LEFT_PLACEMENT = "NodeLeftPlacement";
    /** A copy froze with another QEMU version than the template's other copies: marked, takes no clones. */
    public static final String REASON_QEMU_VERSION_MISMATCH = "QemuVersionMismatch";
    /** The node cannot get the launcher image: not in its container runtime and not pullable. */
    public static final String REASON_IMAGE_PULL_FAILED = "ImagePullFailed";
    /** The kubelet cannot mount one of the pod's volumes (a hostPath directory missing on the node ...). */
    public static final String REASON_VOLUME_MOUNT_FAILED = "VolumeMountFailed";
    /** The node's tmpfs has less free space than the template's memory file needs. */
    public static final String REASON_NO_MEMORY_SPACE = "NoMemorySpace";
    public static final String REASON_DELIVERED = "Delivered";
    /** The launcher is writing the files through the guest agent. */
    public static final String REASON_DELIVERING_CLAIM_DATA = "DeliveringClaimData";
    /** The Secret spec.claimData.secretRef names does not exist (yet): the clone waits, nothing is started or taken. */
    public static final String REASON_SECRET_NOT_FOUND = "SecretNotFound";
    /** The guest agent did not acknowledge (no agent, a full disk, a timeout): retried. */
    public static final String REASON_CLAIM_DATA_FAILED = "ClaimDataDeliveryFailed";
    /** Delivered once the guest runs: a paused guest's agent cannot answer. */
    public static final String REASON_GUEST_PAUSED = "GuestPaused";
    public static final String REASON_UNSCHEDULABLE = "Unschedulable";
    public static final String REASON_SCHEDULED = "Scheduled";

    private Conditions() {
    }
}
