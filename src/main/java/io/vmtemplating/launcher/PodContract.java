package io.vmtemplating.launcher;

/**
 * What a launcher pod and the operator agree on: arguments, environment, mount points, the HTTP port.
 * The operator writes pods by these names (reconciler package); the launcher reads them. No Kubernetes types.
 */
public final class PodContract {
    /** Container arguments after the image's {@code vmt} entry point. */
    public static final String ARG_LAUNCHER = "launcher";
    public static final String MODE_TEMPLATE = "template";
    public static final String MODE_CLONE = "clone";
    public static final String MODE_CLEANUP = "cleanup";

    /** JSON of the VmTemplate spec (API form): the launcher renders the QEMU command line itself. */
    public static final String ENV_TEMPLATE_SPEC = "VMT_TEMPLATE_SPEC";
    /** JSON of the VmClone spec (clone pods only). */
    public static final String ENV_CLONE_SPEC = "VMT_CLONE_SPEC";
    /** UID of the template whose directories a cleanup pod empties (they are mounted at STATE_DIR and MEMORY_DIR). */
    public static final String ENV_TEMPLATE_UID = "VMT_TEMPLATE_UID";
    /** The node directories boot files may come from (comma-separated), the operator's vmt.boot-file-dirs. */
    public static final String ENV_BOOT_FILE_DIRS = "VMT_BOOT_FILE_DIRS";
    /**
     * "true" on pool members: once restored paused, the guest runs until idle and is paused again before the member is
     * Ready (GuestWarmUp). A clone asked to stay paused (spec.running false) never has it: its guest never runs.
     */
    public static final String ENV_WARM_UP = "VMT_WARM_UP";
    /** The pod's IP (downward API): the launcher's HTTP endpoint binds to it. */
    public static final String ENV_POD_IP = "POD_IP";

    /** In-pod mount points. Host directories behind them derive from the template UID (operator side). */
    public static final String MEMORY_DIR = "/vmt/memory";
    public static final String STATE_DIR = "/vmt/state";
    public static final String RUN_DIR = "/vmt/run";
    /**
     * Boot files: {@code BOOT_DIR/<kernel|initrd|disk>} is a volume (the allowed hostPath directory, the claim, the
     * image) holding the file at its path inside the volume.
     */
    public static final String BOOT_DIR = "/vmt/boot";

    /**
     * The launcher API's token: a Secret of this name in each namespace with launcher pods (the operator creates it),
     * its key {@link #TOKEN_KEY} mounted at {@link #TOKEN_FILE}. POST /pause, /resume and /freeze need
     * {@code Authorization: Bearer <token>}; GET endpoints (probes, status, metrics) do not (docs/security.md).
     */
    public static final String TOKEN_SECRET = "vmtemplating-launcher-token";
    public static final String TOKEN_KEY = "token";
    public static final String TOKEN_DIR = "/vmt/launcher-token";
    public static final String TOKEN_FILE = TOKEN_DIR + "/" + TOKEN_KEY;

    /** HTTP endpoint of template and clone launchers: /healthz, /status, /metrics, POST /pause, /resume, /freeze. */
    public static final int HTTP_PORT = 8080;
    public static final String PATH_HEALTHZ = "/healthz";
    public static final String PATH_STATUS = "/status";
    public static final String PATH_METRICS = "/metrics";
    public static final String PATH_PAUSE = "/pause";
    public static final String PATH_RESUME = "/resume";
    public static final String PATH_FREEZE = "/freeze";
    /** POST, JSON body: the clone's identity and claim data, written into the guest through its agent (CloneRun). */
    public static final String PATH_CLAIM_DATA = "/claim-data";

    /** Kubernetes reads at most 4 KiB of the termination message. */
    public static final String TERMINATION_MESSAGE_PATH = "/dev/termination-log";
    public static final int TERMINATION_MESSAGE_MAX_BYTES = 4096;

    /** Exit code of a clone whose template files are missing on the node (status reason TemplateFilesMissing). */
    public static final int EXIT_TEMPLATE_FILES_MISSING = 3;
    /** Exit code for a spec the launcher cannot run (status reason InvalidSpec: no retry helps). */
    public static final int EXIT_INVALID_SPEC = 2;

    private PodContract() {
    }

    /** Where the volume holding a boot file of the given role ("kernel", "initrd", "disk") is mounted. */
    public static String bootVolume(String role) {
        return BOOT_DIR + "/" + role;
    }

    /** Where a boot file of the given role appears inside the pod. */
    public static String bootFile(String role, String pathInsideVolume) {
        return bootVolume(role) + "/" + pathInsideVolume;
    }
}
