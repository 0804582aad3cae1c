package io.vmtemplating.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The launcher receives the definition and additions as JSON: they must survive a Jackson round trip unchanged. */
class VmDefinitionJsonTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void definitionRoundTrips() throws Exception {
        VmDefinition vm = Specs.allDevices();
        assertEquals(vm, json.readValue(json.writeValueAsString(vm), VmDefinition.class));
        VmDefinition numa = Specs.hugetlbfs(Specs.withNuma(Specs.minimal(), 2, java.util.List.of(512L, 512L)), 2048);
        assertEquals(numa, json.readValue(json.writeValueAsString(numa), VmDefinition.class));
    }

    @Test
    void additionsRoundTripAndMissingListsBecomeEmpty() throws Exception {
        CloneAdditions additions = new CloneAdditions(128, java.util.List.of(new CloneAdditions.PortForward("tcp", 2222, 22)));
        assertEquals(additions, json.readValue(json.writeValueAsString(additions), CloneAdditions.class));
        assertEquals(CloneAdditions.NONE, json.readValue("{\"virtioMemRequestedMiB\":0}", CloneAdditions.class));
    }
}
