package io.vmtemplating.local;

/**
 * Which of a cluster's parts the local node plays besides the kubelet.
 *
 * @param nodeName        the Node object's name; pods bound to it run here
 * @param selfScheduling  binds unscheduled pods to itself: there is no kube-scheduler (fabric8's mock API server)
 * @param collectsOrphans deletes pods whose owner is gone: there is no garbage collector (the mock API server)
 */
public record NodeMode(String nodeName, boolean selfScheduling, boolean collectsOrphans) {
    public static final String DEFAULT_NODE_NAME = "local-node";

    /** fabric8's mock API server (LocalCluster): nothing else schedules pods or collects garbage. */
    public static final NodeMode MOCK_API_SERVER = new NodeMode(DEFAULT_NODE_NAME, true, true);

    /** A real control plane: its scheduler binds pods and its garbage collector deletes orphans. */
    public static NodeMode kubelet(String nodeName) {
        return new NodeMode(nodeName, false, false);
    }
}
