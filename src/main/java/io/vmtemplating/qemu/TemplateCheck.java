package io.vmtemplating.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a clone checks before QEMU starts, so that each QEMU trap we can foresee ends in our message (naming
 * both values and the fix) instead of a QEMU error after a partial load, or a silently broken guest.
 */
public final class TemplateCheck {
    private static final long MIB = 1024 * 1024;

    private TemplateCheck() {
    }

    /**
     * @return the template's metadata when the clone (argv built for this node) can be restored from it; the QEMU
     *         version is checked here only when {@code host} knows it (else the restorer checks the started QEMU's)
     */
    public static TemplateMetadata verify(VmDefinition vm, NodePaths paths, HostFacts host, List<String> cloneArgv) {
        Path metadataFile = paths.metadataFile();
        if (!Files.isRegularFile(metadataFile)) {
            throw new TemplateMismatchException("template metadata " + metadataFile
                    + " is missing: the template was not frozen on this node or its files were removed; rebuild the template");
        }
        TemplateMetadata metadata;
        try {
            metadata = TemplateMetadata.read(metadataFile);
        } catch (IOException e) {
            throw new TemplateMismatchException("template metadata " + metadataFile + " is unreadable (" + e.getMessage()
                    + "); rebuild the template");
        }
        if (host.versionProbed()) {
            verifyVersion(metadata, host.qemuVersion());
        }
        checkMemory(vm, paths, metadata);
        if (!Files.isRegularFile(paths.stateFile())) {
            throw new TemplateMismatchException("template state file " + paths.stateFile() + " is missing; rebuild the template");
        }
        List<String> cloneShape = VmShape.normalize(cloneArgv, paths);
        if (!VmShape.sha256(cloneShape).equals(metadata.vmShapeSha256())) {
            throw new TemplateMismatchException("clone VM shape differs from the template's (" + firstDifference(metadata.vmShape(), cloneShape)
                    + "); a clone must use its template's machine, CPUs, memory and devices");
        }
        return metadata;
    }

    /** @param qemuVersion the version of the QEMU that is to load the template's state */
    public static void verifyVersion(TemplateMetadata metadata, String qemuVersion) {
        if (!metadata.qemuVersion().equals(qemuVersion)) {
            throw new TemplateMismatchException("template was frozen by QEMU " + metadata.qemuVersion() + ", this node has "
                    + qemuVersion + "; a saved VM state only loads into the QEMU version that wrote it: rebuild the template");
        }
    }

    private static void checkMemory(VmDefinition vm, NodePaths paths, TemplateMetadata metadata) {
        List<MemoryBackends.Backend> backends = MemoryBackends.of(vm);
        List<String> templateIds = metadata.memoryFiles().stream().map(TemplateMetadata.MemoryFile::backendId).toList();
        List<String> cloneIds = backends.stream().map(MemoryBackends.Backend::id).toList();
        if (!templateIds.equals(cloneIds)) {
            throw new TemplateMismatchException("clone memory backends " + cloneIds + " differ from the template's "
                    + templateIds + "; a clone needs its template's NUMA layout");
        }
        for (int i = 0; i < backends.size(); i++) {
            MemoryBackends.Backend backend = backends.get(i);
            long templateBytes = metadata.memoryFiles().get(i).sizeBytes();
            if (backend.sizeMiB() * MIB != templateBytes) {
                // QEMU would start and fail during the load ("Size mismatch") or refuse the file ("too small")
                throw new TemplateMismatchException("clone memory " + backend.id() + " is " + backend.sizeMiB()
                        + " MiB but the template was frozen with " + templateBytes / MIB
                        + " MiB; a clone needs exactly its template's memory size");
            }
            Path file = paths.memoryFile(backend.id());
            if (!Files.isRegularFile(file)) {
                throw new TemplateMismatchException("template memory file " + file + " (backend " + backend.id()
                        + ") is missing; the template's memory is gone from this node: rebuild the template");
            }
            long fileBytes;
            try {
                fileBytes = Files.size(file);
            } catch (IOException e) {
                throw new TemplateMismatchException("template memory file " + file + " is unreadable: " + e.getMessage());
            }
            if (fileBytes != templateBytes) {
                throw new TemplateMismatchException("template memory file " + file + " is " + fileBytes
                        + " bytes but the template recorded " + templateBytes
                        + " bytes; the file was changed after the freeze: rebuild the template");
            }
        }
    }

    private static String firstDifference(List<String> template, List<String> clone) {
        for (int i = 0; i < Math.max(template.size(), clone.size()); i++) {
            String t = i < template.size() ? template.get(i) : "(nothing)";
            String c = i < clone.size() ? clone.get(i) : "(nothing)";
            if (!t.equals(c)) {
                return "argument " + i + ": template has '" + t + "', clone has '" + c + "'";
            }
        }
        return "same arguments, different hash: metadata was edited";
    }
}
