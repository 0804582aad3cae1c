package io.vmtemplating.webhook;

/** What the HTTP layer sends: a status code and a JSON (AdmissionReview) or plain-text body. */
public record AdmissionReply(int httpStatus, String body, boolean json) {
}
