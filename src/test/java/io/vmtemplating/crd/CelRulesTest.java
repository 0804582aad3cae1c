package io.vmtemplating.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class CelRulesTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void everyRuleOfOurCrdsCompilesAndOnlyTransitionRulesWaitForAnUpdate() {
        for (CrdVersion crd : CrdCatalog.fromClassPath().versions()) {
            List<String> rules = crd.schema().findValues("x-kubernetes-validations").stream()
                    .flatMap(list -> java.util.stream.StreamSupport.stream(list.spliterator(), false))
                    .map(rule -> rule.path("rule").asText()).toList();
            long createRules = rules.stream().filter(rule -> !rule.contains("oldSelf")).count();
            assertEquals(createRules, CelRules.of(crd.schema()).createRuleCount(), crd.kind());
        }
    }

    @Test
    void rulesRunWhereTheirValueIsWithItsPathAndTheServersWording() throws Exception {
        CelRules rules = CelRules.of(schema("""
                type: object
                properties:
                  ports:
                    type: array
                    items:
                      type: object
                      x-kubernetes-validations:
                      - {rule: "self.from <= self.to", message: "from must not exceed to"}
                      - {rule: "self.to < 65536", fieldPath: ".to", reason: FieldValueForbidden, message: "at most 65535"}
                      - {rule: "self.from > 0"}
                      properties: {from: {type: integer}, to: {type: integer}}
                """));
        assertEquals(List.of(), render(rules, "{ports: [{from: 1, to: 2}]}"));
        assertEquals(List.of("ports[1]: Invalid value: \"object\": from must not exceed to",
                        "ports[2].to: Forbidden: at most 65535",
                        "ports[2]: Invalid value: \"object\": failed rule: self.from > 0"),
                render(rules, "{ports: [{from: 1, to: 2}, {from: 3, to: 2}, {from: 0, to: 70000}]}"));
    }

    @Test
    void aMissingKeyIsAnEvaluationErrorAsOnTheServer() throws Exception {
        CelRules rules = CelRules.of(schema("""
                type: object
                properties:
                  freeze:
                    type: object
                    x-kubernetes-validations: [{rule: "self.trigger != 'Delay'", message: "no delay"}]
                    properties: {trigger: {type: string}}
                """));
        assertEquals(List.of("freeze: Invalid value: \"object\": no such key: trigger evaluating rule: no delay"), render(rules, "{freeze: {}}"));
    }

    @Test
    void transitionRulesDoNotRunOnACreate() throws Exception {
        CelRules rules = CelRules.of(schema("""
                type: object
                properties:
                  spec: {type: object, x-kubernetes-validations: [{rule: "self == oldSelf", message: immutable}]}
                """));
        assertEquals(0, rules.createRuleCount());
        assertEquals(List.of(), render(rules, "{spec: {a: 1}}"));
    }

    @Test
    void aRuleOutsideStandardCelIsRefusedByNameWhenLoaded() throws Exception {
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> CelRules.of(schema("""
                type: object
                properties:
                  size: {type: string, x-kubernetes-validations: [{rule: "quantity(self).isGreaterThan(quantity('1Mi'))"}]}
                """)));
        assertTrue(error.getMessage().startsWith("CEL rule at size cannot be evaluated outside the API server"), error.getMessage());
        assertTrue(error.getMessage().endsWith(": quantity(self).isGreaterThan(quantity('1Mi'))"), error.getMessage());
    }

    private static JsonNode schema(String yaml) throws Exception {
        return YAML.readTree(yaml);
    }

    private static List<String> render(CelRules rules, String yaml) throws Exception {
        return rules.validate((ObjectNode) YAML.readTree(yaml)).stream().map(FieldError::render).toList();
    }
}
