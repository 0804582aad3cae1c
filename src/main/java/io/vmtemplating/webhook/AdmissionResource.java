package io.vmtemplating.webhook;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The webhook's HTTP face: POST /validate/vmtemplates, /validate/vmclones and /validate/vmclonepools. Thin on purpose: the body is
 * taken as text so that malformed JSON reaches {@link AdmissionHandler} (which answers 400) instead of the
 * framework's error page, and the handler turns every failure into an answer.
 */
@Path("/validate")
public class AdmissionResource {

    private final AdmissionHandler handler;

    public AdmissionResource(InformedTemplates templates, InformedPools pools, BootFileDirs bootFileDirs,
            io.vmtemplating.metrics.OperatorMetrics metrics, io.fabric8.kubernetes.client.KubernetesClient client) {
        this.handler = new AdmissionHandler(templates, pools, bootFileDirs, metrics, new SubjectAccessReviews(client));
    }

    @POST
    @Path("/vmtemplates")
    public Response vmTemplates(String body) {
        return toResponse(handler.reviewTemplate(body));
    }

    @POST
    @Path("/vmclones")
    public Response vmClones(String body) {
        return toResponse(handler.reviewClone(body));
    }

    @POST
    @Path("/vmclonepools")
    public Response vmClonePools(String body) {
        return toResponse(handler.reviewPool(body));
    }

    private static Response toResponse(AdmissionReply reply) {
        return Response.status(reply.httpStatus()).entity(reply.body())
                .type(reply.json() ? MediaType.APPLICATION_JSON_TYPE : MediaType.TEXT_PLAIN_TYPE).build();
    }
}
