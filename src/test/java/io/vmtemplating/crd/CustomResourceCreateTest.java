package io.vmtemplating.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server's order on a create: version, decoding (unknown fields, metadata shape), defaults, then the checks. */
class CustomResourceCreateTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final CustomResourceCreate SERVER = new CustomResourceCreate(CrdCatalog.fromClassPath());
    private static final String CLONE = "apiVersion: vmtemplating.io/v1alpha1\nkind: VmClone\nmetadata: {name: c}\n"
            + "spec: {templateRef: {name: t}}\n";

    @Test
    void defaultsAreAppliedAndStatusIsDroppedOnCreate() throws Exception {
        Verdict.Admitted admitted = assertInstanceOf(Verdict.Admitted.class,
                check(CLONE + "status: {phase: Bogus}\n", CustomResourceCreate.FieldValidation.STRICT));
        assertEquals(true, admitted.object().path("spec").path("running").asBoolean(false));
        assertFalse(admitted.object().has("status"), "a create cannot set status");
    }

    @Test
    void unknownFieldsFailStrictValidationAndAreDroppedWithAWarningOtherwise() throws Exception {
        String typo = CLONE.replace("templateRef: {name: t}", "templateRef: {name: t, nmae: x}");
        Verdict.UnknownFields strict = assertInstanceOf(Verdict.UnknownFields.class, check(typo, CustomResourceCreate.FieldValidation.STRICT));
        assertEquals("VmClone in version \"v1alpha1\" cannot be handled as a VmClone: strict decoding error: unknown field"
                + " \"spec.templateRef.nmae\"", strict.message());
        Verdict.Admitted warned = assertInstanceOf(Verdict.Admitted.class, check(typo, CustomResourceCreate.FieldValidation.WARN));
        assertEquals(List.of("unknown field \"spec.templateRef.nmae\""), warned.warnings());
        assertFalse(warned.object().path("spec").path("templateRef").has("nmae"));
    }

    @Test
    void metadataOfTheWrongShapeCannotBeDecoded() throws Exception {
        Verdict.Malformed malformed = assertInstanceOf(Verdict.Malformed.class,
                check(CLONE.replace("{name: c}", "{name: c, creationTimestamp: yesterday}"), CustomResourceCreate.FieldValidation.STRICT));
        assertEquals("metadata.creationTimestamp", malformed.field());
    }

    @Test
    void invalidObjectsGetEveryErrorInTheServersMessage() throws Exception {
        Verdict.Invalid invalid = assertInstanceOf(Verdict.Invalid.class,
                check(CLONE.replace("{name: t}", "{name: T}").replace("name: c", "name: C"), CustomResourceCreate.FieldValidation.STRICT));
        assertEquals(List.of("metadata.name", "spec.templateRef.name"), invalid.errors().stream().map(FieldError::field).toList());
        assertEquals("VmClone.vmtemplating.io \"C\" is invalid: [metadata.name: Invalid value: \"C\": a lowercase RFC 1123"
                + " subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an"
                + " alphanumeric character (e.g. 'example.com', regex used for validation is"
                + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*'), spec.templateRef.name: Invalid value:"
                + " \"T\": spec.templateRef.name in body should match '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$']", invalid.message());
    }

    @Test
    void anUnservedVersionIsNoMatch() throws Exception {
        Verdict.NoMatch noMatch = assertInstanceOf(Verdict.NoMatch.class,
                check(CLONE.replace("v1alpha1", "v2"), CustomResourceCreate.FieldValidation.STRICT));
        assertEquals(List.of("vmtemplating.io/v1alpha1"), noMatch.servedApiVersions());
    }

    private static Verdict check(String yaml, CustomResourceCreate.FieldValidation validation) throws Exception {
        JsonNode object = YAML.readTree(yaml);
        return SERVER.check(object, validation, true);
    }
}
