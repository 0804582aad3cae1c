package io.vmtemplating.reconciler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import io.vmtemplating.api.v1alpha1.Conditions;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.api.v1alpha1.types.Condition;
import io.vmtemplating.crd.CrdCatalog;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An exception in reconcile reaches the object: a Reconciled=False condition with reason and message and a Warning
 * event, and JOSDK's retries go on until one succeeds, which clears the condition. The failure is real: an API
 * server (fabric8's mock) that refuses pod creation with 403 as RBAC would, then stops refusing.
 */
class ErrorStatusTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String FORBIDDEN = "pods is forbidden: User \"system:serviceaccount:vmtemplating-system:"
            + "vmtemplating-operator\" cannot create resource \"pods\" in API group \"\" in the namespace \"default\"";

    /** Stores like the API server, but refuses pod creation while {@link #refusePods} is set. */
    static final class RefusingPods extends KubernetesCrudDispatcher {
        volatile boolean refusePods = true;

        @Override
        public MockResponse handleCreate(RecordedRequest request) {
            if (refusePods && request.getPath().matches("/api/v1/namespaces/[^/]+/pods(\\?.*)?")) {
                return new MockResponse().setResponseCode(403).setBody(Serialization.asJson(new StatusBuilder()
                        .withStatus("Failure").withReason("Forbidden").withCode(403).withMessage(FORBIDDEN).build()));
            }
            return super.handleCreate(request);
        }
    }

    private final RefusingPods dispatcher = new RefusingPods();
    private KubernetesMockServer server;
    private KubernetesClient client;
    private Operator operator;

    @BeforeEach
    void start() throws Exception {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        for (String crd : CrdCatalog.FILES) {
            try (InputStream in = getClass().getResourceAsStream("/crds/" + crd)) {
                client.resource(client.getKubernetesSerialization().unmarshal(in, CustomResourceDefinition.class)).create();
            }
        }
        operator = new Operator(o -> o.withKubernetesClient(client).withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false).withCloseClientOnStop(false));
        operator.register(new VmTemplateReconciler(OperatorSettings.DEFAULTS, new LauncherClient(new LauncherTokens(client)), Clock.systemUTC()));
        operator.start();
    }

    @AfterEach
    void stop() {
        operator.stop();
        client.close();
        server.destroy();
    }

    private Optional<Condition> reconciled() {
        VmTemplate template = client.resources(VmTemplate.class).inNamespace("default").withName("t").get();
        return template.getStatus() == null || template.getStatus().conditions() == null ? Optional.empty()
                : template.getStatus().conditions().stream().filter(c -> Conditions.RECONCILED.equals(c.type())).findFirst();
    }

    @Test
    void aRefusedPodCreationIsAConditionAndAWarningUntilARetrySucceeds() {
        MockObjects.template(client, "t");

        await().atMost(WAIT).until(() -> reconciled().isPresent());
        Condition error = reconciled().orElseThrow();
        assertEquals(List.of(Conditions.FALSE, "Forbidden"), List.of(error.status(), error.reason()));
        assertEquals("the API server refused a request (HTTP 403): " + FORBIDDEN, error.message());
        await().atMost(WAIT).until(() -> client.v1().events().inNamespace("default").list().getItems().stream()
                .anyMatch(e -> "Warning".equals(e.getType()) && "Forbidden".equals(e.getReason())
                        && e.getMessage().equals(error.message())));

        dispatcher.refusePods = false; // RBAC fixed: the next retry creates the pod
        await().atMost(WAIT).until(() -> client.pods().inNamespace("default").withName("t-build-1").get() != null);
        await().atMost(WAIT).until(() -> reconciled().isEmpty());
        assertTrue(client.pods().inNamespace("default").list().getItems().size() == 1);
    }
}
