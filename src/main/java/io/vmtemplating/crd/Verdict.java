package io.vmtemplating.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** What the API server answers to a create of a custom resource, before any webhook is asked. */
public sealed interface Verdict {

    /**
     * No served CRD version has this apiVersion and kind (kubectl: "no matches for kind"; the server: 404), with what
     * is served: the apiVersions of this kind, and every kind.
     */
    record NoMatch(String apiVersion, String kind, List<String> servedApiVersions, List<String> servedKinds) implements Verdict {
        public String message() {
            return "no matches for kind \"" + kind + "\" in version \"" + apiVersion + "\"";
        }
    }

    /** The object cannot be decoded (metadata of the wrong shape): the server's 400 Bad Request. */
    record Malformed(String field, String message) implements Verdict {
    }

    /** Fields the schema does not declare, under strict field validation: 400 Bad Request. */
    record UnknownFields(CrdVersion crd, List<String> paths) implements Verdict {
        /** The server's message, e.g. {@code VmTemplate in version "v1alpha1" cannot be handled as a VmTemplate: strict decoding error: unknown field "spec.runing"}. */
        public String message() {
            return crd.kind() + " in version \"" + crd.version() + "\" cannot be handled as a " + crd.kind()
                    + ": strict decoding error: " + String.join(", ", paths.stream().map(p -> "unknown field \"" + p + "\"").toList());
        }
    }

    /** Schema, metadata or CEL errors: 422 Invalid, with every error. */
    record Invalid(CrdVersion crd, String name, List<FieldError> errors) implements Verdict {
        /** The server's message: {@code VmTemplate.vmtemplating.io "x" is invalid: [a, b]} ([] only for several). */
        public String message() {
            List<String> rendered = errors.stream().map(FieldError::render).toList();
            String list = rendered.size() == 1 ? rendered.get(0) : "[" + String.join(", ", rendered) + "]";
            return crd.qualifiedKind() + " \"" + name + "\" is invalid: " + list;
        }
    }

    /**
     * Passes the server's own checks: the object as it would be stored and handed to the webhooks (unknown fields
     * pruned when not strict, defaults applied), and the warnings the server would send back.
     */
    record Admitted(CrdVersion crd, ObjectNode object, List<String> warnings) implements Verdict {
    }
}
