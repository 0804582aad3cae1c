package io.vmtemplating.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A VM restored from a Ready {@link VmTemplate}: it maps the template's memory privately (copy-on-write). */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@ShortNames("vmcl")
@AdditionalPrinterColumn(name = "Template", jsonPath = ".spec.templateRef.name", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Node", jsonPath = ".status.nodeName", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Restore", jsonPath = ".status.restoreMillis", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Private", jsonPath = ".status.memory.privateMiB", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class VmClone extends CustomResource<VmCloneSpec, VmCloneStatus> implements Namespaced {
}
