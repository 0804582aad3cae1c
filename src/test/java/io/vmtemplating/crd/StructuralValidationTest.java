package io.vmtemplating.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each schema keyword's error, worded as kube-apiserver 1.34 words it (checked against a real one by ValidateDifferentialIT). */
class StructuralValidationTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("{type: integer, maximum: 64.0}", "65", "x: Invalid value: 65: x in body should be less than or equal to 64"),
                Arguments.of("{type: integer, minimum: 1024.0}", "80", "x: Invalid value: 80: x in body should be greater than or equal to 1024"),
                Arguments.of("{type: integer, maximum: 10, exclusiveMaximum: true}", "10", "x: Invalid value: 10: x in body should be less than 10"),
                Arguments.of("{type: integer}", "'5'", "x: Invalid value: \"string\": x in body must be of type integer: \"string\""),
                Arguments.of("{type: integer}", "1.5", "x: Invalid value: \"number\": x in body must be of type integer: \"number\""),
                Arguments.of("{type: string, enum: [tmpfs, hugetlbfs]}", "ext4", "x: Unsupported value: \"ext4\": supported values: \"tmpfs\", \"hugetlbfs\""),
                Arguments.of("{type: string, pattern: '^[1-9][0-9]*Mi$'}", "\"512Mi\\n\"",
                        "x: Invalid value: \"512Mi\\n\": x in body should match '^[1-9][0-9]*Mi$'"),
                Arguments.of("{type: string, maxLength: 3}", "abcd", "x: Too long: may not be more than 3 bytes"),
                Arguments.of("{type: string, maxLength: 1}", "ab", "x: Too long: may not be more than 1 byte"),
                Arguments.of("{type: string, minLength: 2}", "a", "x: Invalid value: \"a\": x in body should be at least 2 chars long"),
                Arguments.of("{type: array, maxItems: 1, items: {type: string}}", "[a, b]", "x: Too many: 2: must have at most 1 item"),
                Arguments.of("{type: array, minItems: 2, items: {type: string}}", "[a]", "x: Invalid value: 1: x in body should have at least 2 items"),
                Arguments.of("{type: object, maxProperties: 1, additionalProperties: {type: string}}", "{a: b, c: d}",
                        "x: Too many: 2: must have at most 1 item"),
                Arguments.of("{type: object, required: [size], properties: {size: {type: string}}}", "{}", "x.size: Required value"),
                Arguments.of("{type: array, items: {type: object, properties: {port: {type: integer, minimum: 1}}}}", "[{port: 0}]",
                        "x[0].port: Invalid value: 0: x[0].port in body should be greater than or equal to 1"),
                Arguments.of("{type: object, additionalProperties: {type: string}}", "{k: 1}",
                        "x.k: Invalid value: \"integer\": x.k in body must be of type string: \"integer\""));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void errorsAreWordedAsTheServerWordsThem(String property, String value, String expected) throws Exception {
        assertEquals(List.of(expected), validate(property, value));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("accepted")
    void kubernetesAcceptsWhatJsonSchemaWouldNot(String property, String value) throws Exception {
        assertEquals(List.of(), validate(property, value));
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("{type: integer}", "2.0"),                                  // a float with no fraction is an integer
                Arguments.of("{type: string, nullable: true}", "null"),
                Arguments.of("{x-kubernetes-int-or-string: true}", "'50%'"),
                Arguments.of("{x-kubernetes-int-or-string: true}", "50"),
                Arguments.of("{type: string, maxLength: 2}", "\"😀😀\""));                 // characters, not UTF-16 units
    }

    private static List<String> validate(String property, String value) throws Exception {
        ObjectNode schema = (ObjectNode) YAML.readTree("{type: object, properties: {x: " + property + "}}");
        JsonNode object = YAML.readTree("{x: " + value + "}");
        return StructuralValidation.of(schema).validate((ObjectNode) object).stream().map(FieldError::render).toList();
    }
}
