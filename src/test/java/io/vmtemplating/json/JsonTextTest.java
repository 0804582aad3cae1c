package io.vmtemplating.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTextTest {

    @Test
    void readsWhatQemuSends() {
        Object greeting = JsonText.parse("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 2, \"minor\": 0, \"major\": 10}, "
                + "\"package\": \"Debian 1:10.0.2+ds-1~bpo12+1\"}, \"capabilities\": [\"oob\"]}}");
        assertEquals(Map.of("QMP", Map.of("version", Map.of("qemu", Map.of("micro", 2L, "minor", 0L, "major", 10L),
                "package", "Debian 1:10.0.2+ds-1~bpo12+1"), "capabilities", List.of("oob"))), greeting);
        assertEquals(Map.of("return", Map.of("total", new BigInteger("18446744073709551615"), "ratio", 0.5, "ok", true)),
                JsonText.parse("{\"return\": {\"total\": 18446744073709551615, \"ratio\": 5e-1, \"ok\": true}}"));
        assertEquals(Arrays.asList("a\"b\\c\n\u00e9", null, -3L), JsonText.parse("[\"a\\\"b\\\\c\\n\\u00e9\", null, -3]"));
    }

    @Test
    void writesWhatItReadsBack() {
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("execute", "migrate-set-capabilities");
        command.put("arguments", Map.of("capabilities", List.of(Map.of("capability", "x-ignore-shared", "state", true))));
        command.put("id", 7L);
        String text = JsonText.write(command);
        assertEquals("{\"execute\":\"migrate-set-capabilities\",\"arguments\":{\"capabilities\":[{", text.substring(0, 68));
        assertEquals(command, JsonText.parse(text));
        String awkward = "tab\there \"quoted\" back\\slash \u0001 é";
        assertEquals(awkward, JsonText.parse(JsonText.write(awkward)));
        assertEquals("[1,2.5,null,false]", JsonText.write(Arrays.asList(1, 2.5, null, false)));
    }

    @Test
    void refusesWhatIsNotJsonWithThePosition() {
        assertEquals("expected ',' or '}' at character 8",
                assertThrows(IllegalArgumentException.class, () -> JsonText.parse("{\"a\":1 \"b\":2}")).getMessage());
        assertEquals("unexpected text after the JSON value at character 4",
                assertThrows(IllegalArgumentException.class, () -> JsonText.parse("{} x")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> JsonText.parse("\"unterminated"));
        assertThrows(IllegalArgumentException.class, () -> JsonText.write(Map.of(1, "key not a string")));
        assertThrows(IllegalArgumentException.class, () -> JsonText.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> JsonText.write(new Object()));
    }
}
