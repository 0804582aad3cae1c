package io.vmtemplating.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vmtemplating.api.v1alpha1.VmTemplateSpec;
import io.vmtemplating.api.v1alpha1.types.HugePageSize;
import io.vmtemplating.api.v1alpha1.types.MemoryBackend;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpecJsonTest {
    private static VmTemplateSpec parse(String json) {
        return SpecJson.parse("VMT_TEMPLATE_SPEC", json, VmTemplateSpec.class);
    }

    private static String error(String json) {
        return assertThrows(InvalidSpecException.class, () -> parse(json)).getMessage();
    }

    @Test
    void readsWhatJacksonWrites() throws Exception {
        String json = "{\"cpus\":2,\"memory\":{\"size\":\"1Gi\",\"backend\":\"hugetlbfs\",\"hugePageSize\":\"1Gi\"},"
                + "\"boot\":{\"cmdline\":\"a \\\"b\\\" \\u00e9\\n\"},\"qemu\":{\"extraArgs\":[\"-cpu\",\"max\"]},"
                + "\"placement\":{\"tolerations\":[{\"key\":\"k\"}]}}";
        VmTemplateSpec spec = parse(json);
        assertEquals(2, spec.cpus());
        assertEquals(MemoryBackend.HUGETLBFS, spec.memory().backend());
        assertEquals(HugePageSize.SIZE_1GI, spec.memory().hugePageSize());
        assertEquals("a \"b\" é\n", spec.boot().cmdline());
        assertEquals(List.of("-cpu", "max"), spec.qemu().extraArgs());
        VmTemplateSpec jackson = Json.MAPPER.readValue(json.replaceAll(",\"placement\".*}}$", "}"), VmTemplateSpec.class);
        assertEquals(jackson, parse(Json.MAPPER.writeValueAsString(jackson)));
    }

    @Test
    void errorsNameTheVariableAndTheField() {
        assertEquals("VMT_TEMPLATE_SPEC: is not valid JSON of a VmTemplateSpec at spec.memory.sise: unknown field",
                error("{\"memory\":{\"sise\":\"1Gi\"}}"));
        assertEquals("VMT_TEMPLATE_SPEC: is not valid JSON of a VmTemplateSpec at spec.cpus: expected a number", error("{\"cpus\":\"2\"}"));
        assertEquals("VMT_TEMPLATE_SPEC: is not valid JSON of a VmTemplateSpec at spec.memory.backend: 'zram' is not one of [TMPFS, HUGETLBFS]",
                error("{\"memory\":{\"backend\":\"zram\"}}"));
        assertEquals("VMT_TEMPLATE_SPEC: is not valid JSON of a VmTemplateSpec: expected ',' or '}' at character 11", error("{\"cpus\":2 x"));
        assertEquals("VMT_TEMPLATE_SPEC: is not set: the pod must pass the VmTemplateSpec as JSON", error(" "));
    }
}
