package dev.ferry.shared.envelope;

import java.time.Instant;

/**
 * One failed attempt at one step, as it travels with the record (and lands in the dead letter).
 *
 * @param step       webhook, fetch, transform or deliver
 * @param attempt    1 for the first attempt at that step
 * @param kind       retryable, throttled or permanent
 * @param reason     what went wrong, for a person, never holding a secret
 * @param httpStatus the remote API's status, when there was one
 * @param detail     a short, redacted excerpt of the remote answer
 */
public record Failure(String step, int attempt, FailureKind kind, String reason, Integer httpStatus, String detail,
                      Instant at) {
}
