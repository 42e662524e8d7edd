package dev.ferry.shared.envelope;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** How a failure is handled: retried with backoff, retried after the API's wait, or dead-lettered at once. */
public enum FailureKind {
    RETRYABLE, THROTTLED, PERMANENT;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
