package dev.ferry.shared.metrics;

import dev.ferry.shared.envelope.Envelope;

import java.time.Instant;
import java.util.Locale;

/**
 * What became of one record at one step, at the moment it happened: the per-record companion of the counts in
 * {@link StepMetrics} (each event is counted there too). Never holds a payload or a secret: the detail is a failure's
 * reason (which never holds one) or what the destination answered.
 *
 * @param step        webhook, fetch, transform or deliver
 * @param integration the integration spec's name
 * @param recordId    the record's id at the source
 * @param traceId     the record's trace id, the same at every step
 * @param outcome     what happened
 * @param attempt     the attempt at this step it happened on, 1 for the first
 * @param detail      a failure's reason, a deferral's, or the destination's answer; null when there is nothing to say
 * @param started     when the invocation that did it began: orders a trail as it happened, since an invocation takes
 *                    a message only after the step before sent it, though that step may tell of it a moment later
 */
public record RecordEvent(String step, String integration, String recordId, String traceId, Outcome outcome, int attempt,
                          String detail, Instant started) {

    /** The outcomes a record has at a step; each matches one count of {@link StepMetrics}. */
    public enum Outcome {
        /** A webhook accepted and queued (WebhookAccepted). */
        ACCEPTED,
        /** Fetched or mapped, and queued for the next step (Forwarded). */
        FORWARDED,
        /** The destination accepted it (Delivered). */
        DELIVERED,
        /** Skipped, already done (Duplicates). */
        DUPLICATE,
        /** Handed back to wait without spending an attempt (Deferred). */
        DEFERRED,
        /** A failed attempt, queued again for another (Retried). */
        RETRIED,
        /** Sent to the step's dead-letter queue with its history (DeadLettered). */
        DEAD_LETTERED;

        /** e.g. {@code dead-lettered} */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    static RecordEvent of(String step, Envelope envelope, Outcome outcome, int attempt, String detail, Instant started) {
        return new RecordEvent(step, envelope.integration(), envelope.recordId(), envelope.traceId(), outcome, attempt, detail, started);
    }
}
