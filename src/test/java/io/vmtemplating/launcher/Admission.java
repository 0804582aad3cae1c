package io.vmtemplating.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vmtemplating.api.v1alpha1.VmClone;
import io.vmtemplating.api.v1alpha1.VmTemplate;
import io.vmtemplating.crd.CrdCatalog;
import io.vmtemplating.crd.CustomResourceCreate;
import io.vmtemplating.crd.FieldError;
import io.vmtemplating.crd.Verdict;
import io.vmtemplating.webhook.ResourceReader;
import io.vmtemplating.webhook.Violation;
import io.vmtemplating.webhook.VmCloneValidator;
import io.vmtemplating.webhook.VmTemplateValidator;
import java.util.List;
import java.util.Optional;

/**
 * What admission says to a create, as `vmt validate` asks it (this JVM has what the launcher's has not): the CRD's
 * schema, defaults and CEL rules (networknt, cel-java), then the webhook's validators on the defaulted object. The
 * hostile table holds only what this refuses, and the specs it breaks are what this admits.
 */
final class Admission {
    private static final CustomResourceCreate SERVER = new CustomResourceCreate(CrdCatalog.fromClassPath());

    private Admission() {
    }

    /** The refusals of a VmTemplate with this spec (null: none); empty when admitted. */
    static List<String> template(JsonNode spec) {
        Verdict verdict = SERVER.check(object("VmTemplate", HostileSpecs.TEMPLATE_NAME, spec), CustomResourceCreate.FieldValidation.STRICT, true);
        if (!(verdict instanceof Verdict.Admitted admitted)) {
            return refusals(verdict);
        }
        ResourceReader.Result<VmTemplate> read = ResourceReader.read(admitted.object(), VmTemplate.class);
        return read.error() != null ? List.of(read.error().render()) : render(VmTemplateValidator.validate(read.resource()));
    }

    /** The refusals of a VmClone with this spec whose template has the given spec (admitted). */
    static List<String> clone(JsonNode spec, JsonNode templateSpec) {
        Verdict verdict = SERVER.check(object("VmClone", "clone", spec), CustomResourceCreate.FieldValidation.STRICT, true);
        if (!(verdict instanceof Verdict.Admitted admitted)) {
            return refusals(verdict);
        }
        Verdict template = SERVER.check(object("VmTemplate", HostileSpecs.TEMPLATE_NAME, templateSpec), CustomResourceCreate.FieldValidation.STRICT, true);
        VmTemplate read = ResourceReader.read(((Verdict.Admitted) template).object(), VmTemplate.class).resource();
        ResourceReader.Result<VmClone> clone = ResourceReader.read(admitted.object(), VmClone.class);
        return clone.error() != null ? List.of(clone.error().render())
                : render(VmCloneValidator.validate(clone.resource(), Optional.of(read)));
    }

    private static ObjectNode object(String kind, String name, JsonNode spec) {
        ObjectNode object = JsonNodeFactory.instance.objectNode().put("apiVersion", "vmtemplating.io/v1alpha1").put("kind", kind);
        object.putObject("metadata").put("name", name).put("namespace", "default");
        if (spec != null) {
            object.set("spec", spec.deepCopy());
        }
        return object;
    }

    private static List<String> refusals(Verdict verdict) {
        if (verdict instanceof Verdict.Invalid invalid) {
            return invalid.errors().stream().map(FieldError::render).toList();
        }
        if (verdict instanceof Verdict.UnknownFields unknown) {
            return List.of(unknown.message());
        }
        if (verdict instanceof Verdict.Malformed malformed) {
            return List.of(malformed.field() + ": " + malformed.message());
        }
        return List.of(verdict.toString());
    }

    private static List<String> render(List<Violation> violations) {
        return violations.stream().map(Violation::render).toList();
    }
}
