package dev.ferry.shared.steps;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.ferry.shared.config.ConfigurationException;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.envelope.Failure;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.lambda.Invocation;
import dev.ferry.shared.metrics.RecordEvent;
import dev.ferry.shared.metrics.StepMetrics;
import dev.ferry.shared.lambda.SqsEvent;
import dev.ferry.shared.lambda.SqsBatchResponse;
import dev.ferry.shared.queue.QueueSender;
import dev.ferry.shared.queue.RecordTooLargeException;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Runs one step over an SQS batch, record by record, so one record's failure never fails or repeats
 * the others. A failed record is not simply handed back: it is re-queued with its failure appended
 * and a backoff delay (retryable, throttled), or sent to the step's dead-letter queue with its whole
 * history (permanent, or out of attempts). Only when that hand-off itself fails is the message listed
 * in {@code batchItemFailures}, so SQS redelivers it and, in the end, redrives it.
 */
public final class SqsBatchRunner {

    private static final Logger LOG = Logger.getLogger(SqsBatchRunner.class);

    /** How often one record may be deferred at one step before deferral counts as failure. */
    static final int MAX_DEFERRALS = 100;

    private final String step;
    private final QueueSender sender;
    private final String queueUrl;
    private final String deadLetterUrl;
    private final int maxAttempts;
    private final int baseDelaySeconds;
    private final Clock clock;

    public SqsBatchRunner(String step, QueueSender sender, String queueUrl, String deadLetterUrl, int maxAttempts,
                          int baseDelaySeconds, Clock clock) {
        this.step = step;
        this.sender = sender;
        this.queueUrl = queueUrl;
        this.deadLetterUrl = deadLetterUrl;
        this.maxAttempts = maxAttempts;
        this.baseDelaySeconds = baseDelaySeconds;
        this.clock = clock;
    }

    public SqsBatchResponse run(SqsEvent event, Consumer<Envelope> work) {
        List<String> handBack = new ArrayList<>();
        for (SqsEvent.Message message : event.records()) {
            Envelope envelope = readOrDeadLetter(message, handBack);
            if (envelope == null) {
                continue;
            }
            metrics().recordIn(envelope.integration(), step);
            try (Scope ignored = recordContext(step, envelope)) {
                work.accept(envelope);
            } catch (RuntimeException e) {
                if (!handleFailure(envelope, classify(e))) {
                    handBack.add(message.messageId());
                }
            }
        }
        return SqsBatchResponse.of(handBack);
    }

    /** What became of one record handed to {@link #runGrouped}: done, or failed (classified like a thrown failure). */
    public record Outcome(RuntimeException failure) {
        public static final Outcome DONE = new Outcome(null);

        public static Outcome failed(RuntimeException failure) {
            return new Outcome(Objects.requireNonNull(failure));
        }

        public boolean done() {
            return failure == null;
        }
    }

    /** A step that takes the whole batch at once (e.g. to send many records in one request). */
    @FunctionalInterface
    public interface GroupWork {
        /** @return one outcome per envelope, in the order given */
        List<Outcome> apply(List<Envelope> envelopes);
    }

    /**
     * Like {@link #run}, but hands every readable record of the batch to {@code work} at once and gets one outcome
     * per record back. Each failed record is then handled on its own, exactly as {@link #run} does: re-queued with
     * its failure and a backoff, deferred without spending an attempt, or dead-lettered with its history. Should
     * {@code work} itself throw, every record fails with that failure.
     */
    public SqsBatchResponse runGrouped(SqsEvent event, GroupWork work) {
        List<String> handBack = new ArrayList<>();
        List<SqsEvent.Message> messages = new ArrayList<>();
        List<Envelope> envelopes = new ArrayList<>();
        for (SqsEvent.Message message : event.records()) {
            Envelope envelope = readOrDeadLetter(message, handBack);
            if (envelope != null) {
                metrics().recordIn(envelope.integration(), step);
                messages.add(message);
                envelopes.add(envelope);
            }
        }
        if (envelopes.isEmpty()) {
            return SqsBatchResponse.of(handBack);
        }
        List<Outcome> outcomes;
        try {
            outcomes = work.apply(List.copyOf(envelopes));
            if (outcomes == null || outcomes.size() != envelopes.size()) {
                throw new IllegalStateException(step + " reported " + (outcomes == null ? "no" : outcomes.size())
                        + " outcomes for " + envelopes.size() + " records");
            }
        } catch (RuntimeException e) {
            LOG.errorf("%s failed on a batch of %d records (%s); each is handled as failed", step, envelopes.size(), e.toString());
            outcomes = java.util.Collections.nCopies(envelopes.size(), Outcome.failed(e));
        }
        for (int i = 0; i < envelopes.size(); i++) {
            Outcome outcome = outcomes.get(i);
            if (outcome == null || outcome.done()) {
                continue;
            }
            Envelope envelope = envelopes.get(i);
            try (Scope ignored = recordContext(step, envelope)) {
                if (!handleFailure(envelope, classify(outcome.failure()))) {
                    handBack.add(messages.get(i).messageId());
                }
            }
        }
        return SqsBatchResponse.of(handBack);
    }

    /** What this invocation records (counted only once a hand-off to SQS succeeded, so counts match the queues). */
    private static StepMetrics metrics() {
        return Invocation.current().metrics();
    }

    /** Log context of one record; closing it clears the context. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Every log line about this record, until the scope closes, carries its trace (structured JSON logs on AWS). */
    public static Scope recordContext(String step, Envelope envelope) {
        MDC.put("traceId", envelope.traceId() == null ? "" : envelope.traceId());
        MDC.put("integration", envelope.integration());
        MDC.put("recordId", envelope.recordId() == null ? "" : envelope.recordId());
        MDC.put("step", step);
        MDC.put("attempt", Integer.toString(envelope.attempt() + 1));
        return MDC::clear;
    }

    /** The message's envelope; null when it is unreadable (then it is dead-lettered as it came, or handed back). */
    private Envelope readOrDeadLetter(SqsEvent.Message message, List<String> handBack) {
        try {
            return decode(message);
        } catch (IOException | IllegalArgumentException e) {
            if (!deadLetterUnreadable(message, e)) {
                handBack.add(message.messageId());
            }
            return null;
        }
    }

    static StepFailure classify(RuntimeException e) {
        return switch (e) {
            case StepFailure f -> f;
            case ConfigurationException c -> StepFailure.permanent("configuration: " + c.getMessage());
            case RecordTooLargeException t -> StepFailure.permanent(t.getMessage());
            default -> StepFailure.retryable("unexpected " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        };
    }

    private Envelope decode(SqsEvent.Message message) throws IOException {
        Envelope envelope = Json.read(message.body(), Envelope.class);
        if (envelope == null || envelope.integration() == null) {
            throw new IllegalArgumentException("not a Ferry envelope (no integration)");
        }
        if (envelope.version() > Envelope.CURRENT_VERSION) {
            throw new IllegalArgumentException("envelope version " + envelope.version()
                    + " is newer than this function understands (" + Envelope.CURRENT_VERSION + ")");
        }
        return envelope;
    }

    /** @return false when the hand-off failed and SQS must redeliver */
    private boolean handleFailure(Envelope envelope, StepFailure failure) {
        if (failure.isWait()) {
            return defer(envelope, failure);
        }
        return spendAttempt(envelope, failure);
    }

    private boolean spendAttempt(Envelope envelope, StepFailure failure) {
        int attempt = envelope.attempt() + 1;
        Envelope failed = envelope.withFailure(new Failure(step, attempt, failure.kind(), failure.getMessage(),
                failure.httpStatus(), failure.detail(), clock.instant()));
        boolean dead = failure.kind() == FailureKind.PERMANENT || attempt >= maxAttempts;
        try {
            if (dead) {
                sender.send(deadLetterUrl, failed, 0);
                metrics().deadLettered(envelope.integration(), step, failure.kind());
                metrics().seen(step, envelope, RecordEvent.Outcome.DEAD_LETTERED, attempt, failure.getMessage());
                LOG.errorf("%s: record %s of %s dead-lettered after attempt %d (%s): %s [trace %s]", step,
                        envelope.recordId(), envelope.integration(), attempt, failure.kind().json(), failure.getMessage(),
                        envelope.traceId());
            } else {
                int delay = delaySeconds(failure, attempt);
                sender.send(queueUrl, failed, delay);
                metrics().retried(envelope.integration(), step);
                metrics().seen(step, envelope, RecordEvent.Outcome.RETRIED, attempt, failure.getMessage());
                LOG.warnf("%s: record %s of %s failed attempt %d (%s), retrying in %ds: %s [trace %s]", step,
                        envelope.recordId(), envelope.integration(), attempt, failure.kind().json(), delay,
                        failure.getMessage(), envelope.traceId());
            }
            return true;
        } catch (RuntimeException sendFailure) {
            LOG.errorf("%s: record %s of %s failed (%s) and could not be re-queued (%s); SQS will redeliver it [trace %s]",
                    step, envelope.recordId(), envelope.integration(), failure.getMessage(),
                    sendFailure.getClass().getSimpleName(), envelope.traceId());
            return false;
        }
    }

    /**
     * Throttled by the API or our own budget, or the circuit is open: back to the queue after the wait,
     * without spending an attempt, up to {@link #MAX_DEFERRALS} times (then it is a failure like any other).
     */
    private boolean defer(Envelope envelope, StepFailure failure) {
        long deferrals = envelope.failures().stream().filter(f -> f.step().equals(step) && f.kind() == FailureKind.THROTTLED).count();
        if (deferrals >= MAX_DEFERRALS) {
            return spendAttempt(envelope, new StepFailure(failure.kind(), failure.getMessage() + " (deferred "
                    + deferrals + " times)", failure.httpStatus(), failure.detail()));
        }
        Envelope deferred = envelope.withDeferral(new Failure(step, envelope.attempt() + 1, FailureKind.THROTTLED,
                failure.getMessage(), failure.httpStatus(), failure.detail(), clock.instant()));
        int delay = failure.waitSeconds();
        try {
            sender.send(queueUrl, deferred, delay);
            metrics().deferred(envelope.integration(), step, failure.waitReason());
            metrics().seen(step, envelope, RecordEvent.Outcome.DEFERRED, envelope.attempt() + 1, failure.getMessage());
            LOG.infof("%s: record %s of %s deferred %ds: %s [trace %s]", step, envelope.recordId(), envelope.integration(),
                    delay, failure.getMessage(), envelope.traceId());
            return true;
        } catch (RuntimeException sendFailure) {
            LOG.errorf("%s: record %s of %s could not be deferred (%s); SQS will redeliver it [trace %s]", step,
                    envelope.recordId(), envelope.integration(), sendFailure.getClass().getSimpleName(), envelope.traceId());
            return false;
        }
    }

    /** Exponential backoff with full jitter, or the API's own Retry-After; at most SQS' 900 s. */
    int delaySeconds(StepFailure failure, int attempt) {
        if (failure.retryAfterSeconds() != null) {
            return Math.min(900, failure.retryAfterSeconds());
        }
        if (baseDelaySeconds <= 0) {
            return 0;
        }
        long cap = Math.min(900L, (long) baseDelaySeconds << Math.min(attempt - 1, 20));
        return (int) ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
    }

    private boolean deadLetterUnreadable(SqsEvent.Message message, Exception e) {
        String named = message.messageAttributes() != null && message.messageAttributes().get(QueueSender.ATTR_INTEGRATION) != null
                ? message.messageAttributes().get(QueueSender.ATTR_INTEGRATION).stringValue() : null;
        String integration = named != null ? named : "unknown";
        String reason = "unreadable message " + message.messageId() + ": "
                + (e instanceof IOException ? "not valid envelope JSON" : e.getMessage());
        Envelope wrapper = new Envelope(Envelope.CURRENT_VERSION, integration, null, null, message.messageId(), 1, null,
                TextNode.valueOf(message.body()),
                List.of(new Failure(step, 1, FailureKind.PERMANENT, reason, null, null, clock.instant())));
        try {
            sender.send(deadLetterUrl, wrapper, 0);
            metrics().recordIn(named, step); // no attribute: counted under StepMetrics.UNKNOWN_INTEGRATION
            metrics().deadLettered(named, step, FailureKind.PERMANENT);
            LOG.errorf("%s: %s; dead-lettered as it came", step, reason);
            return true;
        } catch (RuntimeException sendFailure) {
            LOG.errorf("%s: %s, and it could not be dead-lettered (%s)", step, reason, sendFailure.getClass().getSimpleName());
            return false;
        }
    }
}
