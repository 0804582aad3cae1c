package io.vmtemplating.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Whether the user behind an admission request may get a Secret. The operator reads the Secret a VmClone's
 * spec.claimData.secretRef names and hands its data to the guest, whose creator can read it there: without this
 * check, anyone allowed to create a VmClone could read any Secret the operator may read in that namespace.
 */
@FunctionalInterface
public interface SecretAccess {
    /** Everyone may: the local mode (one user, whoever runs vmt) and tests of other rules. */
    SecretAccess ANYONE = (userInfo, namespace, secret) -> Optional.empty();

    /**
     * @param userInfo the AdmissionReview's request.userInfo (username, uid, groups, extra)
     * @return empty when the user may get the Secret; otherwise why not, for the denial message
     */
    Optional<String> denied(JsonNode userInfo, String namespace, String secret);
}
