package io.vmtemplating.api.v1alpha1.types;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** How a claim (a VmClone naming a pool) got its VM. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClaimStatus(
        @JsonPropertyDescription("The pool claimed from.")
        String pool,
        @JsonPropertyDescription("Warm: a restored, paused member was handed over and resumed. Cold: the pool had no Ready member of its current template, so the clone was restored as a plain VmClone would be.")
        String path,
        @JsonPropertyDescription("The VmTemplate the VM was restored from (the pool's at claim time).")
        String template,
        @JsonPropertyDescription("Claim seen to guest running (warm) or to launcher pod created (cold), in milliseconds.")
        Long claimMillis) {

    public static final String WARM = "Warm";
    public static final String COLD = "Cold";
}
