package io.vmtemplating.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** YAML values as kubectl (go-yaml v2) reads them, each checked against kubectl by ValidateDifferentialIT's YAML forms. */
class KubectlYamlTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "y            | true", "N            | false", "on           | true", "Off          | false",
            "yes please   | \"yes please\"", "~            | null", "0o17         | 15", "017          | 15",
            "0x1F         | 31", "0b101        | 5", "1_000        | 1000", "+12          | 12", "-0x10        | -16",
            "64.0         | 64", ".5           | 0.5", "1e3          | 1000", "08           | 8", "1:00         | \"1:00\"",
            "2001-12-14   | \"2001-12-14\"", "'y'          | \"y\"", "\"017\"        | \"017\"", "!!str 4      | \"4\"",
            "!!float 4    | 4", "0b           | \"0b\"", "18446744073709551615 | 18446744073709551615"})
    void plainScalarsMeanWhatTheyMeanToKubectl(String yaml, String json) {
        assertEquals(json, value(yaml).toString());
    }

    @Test
    void anchorsMergeKeysAndRepeatedKeys() {
        JsonNode doc = KubectlYaml.documents(new StringReader("""
                base: &b {a: 1, b: 2}
                merged: {<<: *b, b: 3}
                twice: 1
                twice: 2
                """)).get(0);
        assertEquals("{\"a\":1,\"b\":2}", doc.get("base").toString());
        assertEquals("{\"b\":3,\"a\":1}", doc.get("merged").toString());
        assertEquals(2, doc.get("twice").asInt());
    }

    @Test
    void valuesJsonCannotHoldFailTheDocument() {
        assertThrows(KubectlYaml.NotJsonException.class, () -> value(".inf"));
        assertThrows(KubectlYaml.NotJsonException.class, () -> value("!!int four"));
        assertThrows(KubectlYaml.NotJsonException.class, () -> value("{<<: 1}"));
        assertThrows(KubectlYaml.NotJsonException.class, () -> value("{? [a]: 1}"));
    }

    @Test
    void anEmptyDocumentIsNull() {
        List<JsonNode> documents = KubectlYaml.documents(new StringReader("a: 1\n---\n---\nb: 2\n"));
        assertEquals(3, documents.size());
        assertEquals(true, documents.get(1).isNull());
    }

    private static JsonNode value(String yaml) {
        return KubectlYaml.documents(new StringReader("v: " + yaml + "\n")).get(0).get("v");
    }
}
