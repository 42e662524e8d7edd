package dev.ferry.shared.steps;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.ferry.shared.config.ConfigurationException;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.envelope.WaitReason;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.lambda.Invocation;
import dev.ferry.shared.metrics.InMemoryMetrics;
import dev.ferry.shared.metrics.StepMetrics;
import dev.ferry.shared.lambda.SqsBatchResponse;
import dev.ferry.shared.lambda.SqsEvent;
import dev.ferry.shared.queue.QueueSender;
import dev.ferry.shared.queue.RecordTooLargeException;
import dev.ferry.shared.queue.RecordingSqsClient;
import dev.ferry.shared.spec.SpecException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class SqsBatchRunnerTest {

    static final Instant NOW = Instant.parse("2026-03-04T05:06:07Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String QUEUE = "http://127.0.0.1:9324/queue/ferry-deliver";
    static final String DLQ = "http://127.0.0.1:9324/queue/ferry-deliver-dlq";

    static SqsBatchRunner runner(int baseDelaySeconds) {
        return new SqsBatchRunner("deliver", null, QUEUE, DLQ, 5, baseDelaySeconds, CLOCK);
    }

    // --- classify ---------------------------------------------------------------------------------

    @Test
    void classifyKeepsAStepFailureAsItIs() {
        StepFailure throttled = new StepFailure(FailureKind.THROTTLED, "429", 429, "x").retryAfterSeconds(7);
        assertThat(SqsBatchRunner.classify(throttled)).isSameAs(throttled);
    }

    @Test
    void classifyMakesConfigurationProblemsPermanent() {
        StepFailure f = SqsBatchRunner.classify(new ConfigurationException("unknown integration 'x'"));
        assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(f.getMessage()).isEqualTo("configuration: unknown integration 'x'");

        assertThat(SqsBatchRunner.classify(new SpecException(List.of("bad spec"))).kind()).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void classifyMakesOversizedRecordsPermanent() {
        RecordTooLargeException tooLarge = new RecordTooLargeException("crm", "r-1", 2_000_000, QueueSender.MAX_MESSAGE_BYTES);
        StepFailure f = SqsBatchRunner.classify(tooLarge);
        assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(f.getMessage()).isEqualTo(tooLarge.getMessage());
    }

    @Test
    void classifyTreatsAnythingElseAsRetryable() {
        StepFailure f = SqsBatchRunner.classify(new IllegalStateException("boom"));
        assertThat(f.kind()).isEqualTo(FailureKind.RETRYABLE);
        assertThat(f.getMessage()).isEqualTo("unexpected IllegalStateException: boom");

        assertThat(SqsBatchRunner.classify(new NullPointerException()).getMessage()).isEqualTo("unexpected NullPointerException");
    }

    // --- delaySeconds ------------------------------------------------------------------------------

    @Test
    void retryAfterWins() {
        StepFailure f = new StepFailure(FailureKind.THROTTLED, "429", 429, null).retryAfterSeconds(7);
        assertThat(runner(10).delaySeconds(f, 1)).isEqualTo(7);
        assertThat(runner(10).delaySeconds(f, 4)).isEqualTo(7);
        assertThat(runner(0).delaySeconds(f, 1)).isEqualTo(7);
        assertThat(runner(10).delaySeconds(StepFailure.retryable("x").retryAfterSeconds(0), 3)).isZero();
        assertThat(runner(10).delaySeconds(StepFailure.retryable("x").retryAfterSeconds(5000), 1)).isEqualTo(900);
    }

    @Test
    void zeroBaseMeansNoDelay() {
        SqsBatchRunner r = runner(0);
        for (int attempt = 1; attempt <= 10; attempt++) {
            assertThat(r.delaySeconds(StepFailure.retryable("x"), attempt)).isZero();
        }
    }

    @Test
    void delaysStayWithinTheJitterBandOfEachAttempt() {
        SqsBatchRunner r = runner(10);
        for (int attempt = 1; attempt <= 8; attempt++) {
            long cap = Math.min(900, 10L << (attempt - 1));
            for (int i = 0; i < 200; i++) {
                assertThat(r.delaySeconds(StepFailure.retryable("x"), attempt)).as("attempt %d", attempt)
                        .isBetween((int) (cap / 2), (int) cap);
            }
        }
    }

    @Test
    void delaysGrowWithAttempt() {
        SqsBatchRunner r = runner(10);
        int maxOfAttempt1 = 0;
        int minOfAttempt3 = Integer.MAX_VALUE;
        int minOfAttempt7 = Integer.MAX_VALUE;
        int maxOfAttempt3 = 0;
        for (int i = 0; i < 200; i++) {
            maxOfAttempt1 = Math.max(maxOfAttempt1, r.delaySeconds(StepFailure.retryable("x"), 1));
            int d3 = r.delaySeconds(StepFailure.retryable("x"), 3);
            minOfAttempt3 = Math.min(minOfAttempt3, d3);
            maxOfAttempt3 = Math.max(maxOfAttempt3, d3);
            minOfAttempt7 = Math.min(minOfAttempt7, r.delaySeconds(StepFailure.retryable("x"), 7));
        }
        assertThat(minOfAttempt3).isGreaterThan(maxOfAttempt1);
        assertThat(minOfAttempt7).isGreaterThan(maxOfAttempt3);
    }

    @Test
    void delaysNeverExceedSqsMaximum() {
        for (int base : new int[] {1, 10, 60, 500, 1000, Integer.MAX_VALUE}) {
            SqsBatchRunner r = runner(base);
            for (int attempt = 1; attempt <= 40; attempt++) {
                assertThat(r.delaySeconds(StepFailure.retryable("x"), attempt)).as("base %d attempt %d", base, attempt)
                        .isBetween(0, 900);
            }
        }
    }

    // --- run ---------------------------------------------------------------------------------------

    final RecordingSqsClient sqs = new RecordingSqsClient();
    final SqsBatchRunner runner = new SqsBatchRunner("deliver", new QueueSender(sqs), QUEUE, DLQ, 3, 10, CLOCK);

    static Envelope envelope(String recordId, int attempt) {
        Envelope e = Envelope.fresh("crm-contacts", recordId, recordId + "@1", "trace-" + recordId, null,
                TextNode.valueOf("payload"));
        return new Envelope(e.version(), e.integration(), e.recordId(), e.idempotencyKey(), e.traceId(), attempt,
                e.source(), e.payload(), e.failures());
    }

    static SqsEvent.Message message(String id, String body) {
        return new SqsEvent.Message(id, "rh-" + id, body, Map.of("ApproximateReceiveCount", "1"), Map.of(), null,
                "aws:sqs", "arn:aws:sqs:us-east-1:1:ferry-deliver", "us-east-1");
    }

    static SqsEvent event(SqsEvent.Message... messages) {
        return new SqsEvent(List.of(messages));
    }

    static Envelope read(SendMessageRequest request) throws IOException {
        return Json.read(request.messageBody(), Envelope.class);
    }

    @Test
    void successfulRecordsAreNotHandedBack() {
        List<String> seen = new ArrayList<>();
        SqsBatchResponse response = runner.run(event(message("m-1", Json.write(envelope("r-1", 0))),
                message("m-2", Json.write(envelope("r-2", 0)))), e -> seen.add(e.recordId()));

        assertThat(seen).containsExactly("r-1", "r-2");
        assertThat(response.batchItemFailures()).isEmpty();
        assertThat(sqs.sent).isEmpty();
    }

    @Test
    void retryableFailureIsRequeuedWithHistoryAndBackoff() throws IOException {
        SqsBatchResponse response = runner.run(event(message("m-1", Json.write(envelope("r-1", 0)))), e -> {
            throw new StepFailure(FailureKind.RETRYABLE, "POST https://x answered 500", 500, "oops");
        });

        assertThat(response.batchItemFailures()).isEmpty();
        assertThat(sqs.sentTo(DLQ)).isEmpty();
        SendMessageRequest requeued = sqs.sentTo(QUEUE).getFirst();
        assertThat(requeued.delaySeconds()).isBetween(5, 10);
        Envelope back = read(requeued);
        assertThat(back.attempt()).isEqualTo(1);
        assertThat(back.failures()).singleElement().satisfies(f -> {
            assertThat(f.step()).isEqualTo("deliver");
            assertThat(f.attempt()).isEqualTo(1);
            assertThat(f.kind()).isEqualTo(FailureKind.RETRYABLE);
            assertThat(f.httpStatus()).isEqualTo(500);
            assertThat(f.detail()).isEqualTo("oops");
            assertThat(f.at()).isEqualTo(NOW);
        });
        assertThat(requeued.messageAttributes().get(QueueSender.ATTR_TRACE_ID).stringValue()).isEqualTo("trace-r-1");
    }

    @Test
    void throttledFailureWaitsAsLongAsTheApiAsked() {
        runner.run(event(message("m-1", Json.write(envelope("r-1", 0)))), e -> {
            throw new StepFailure(FailureKind.THROTTLED, "429", 429, null).retryAfterSeconds(42);
        });

        assertThat(sqs.sentTo(QUEUE)).singleElement().satisfies(r -> assertThat(r.delaySeconds()).isEqualTo(42));
    }

    @Test
    void permanentFailureGoesToTheDeadLetterQueueAtOnce() throws IOException {
        runner.run(event(message("m-1", Json.write(envelope("r-1", 0)))), e -> {
            throw StepFailure.permanent("answered 422");
        });

        assertThat(sqs.sentTo(QUEUE)).isEmpty();
        Envelope dead = read(sqs.sentTo(DLQ).getFirst());
        assertThat(dead.failures()).singleElement().satisfies(f -> assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT));
    }

    @Test
    void lastAttemptGoesToTheDeadLetterQueue() throws IOException {
        runner.run(event(message("m-1", Json.write(envelope("r-1", 2)))), e -> {
            throw StepFailure.retryable("still down");
        });

        assertThat(sqs.sentTo(QUEUE)).isEmpty();
        Envelope dead = read(sqs.sentTo(DLQ).getFirst());
        assertThat(dead.attempt()).isEqualTo(3);
        assertThat(dead.failures()).singleElement().satisfies(f -> assertThat(f.attempt()).isEqualTo(3));
    }

    @Test
    void oneFailureDoesNotAffectTheOthers() {
        List<String> done = new ArrayList<>();
        Consumer<Envelope> work = e -> {
            if (e.recordId().equals("r-2")) {
                throw new IllegalStateException("bug");
            }
            done.add(e.recordId());
        };
        SqsBatchResponse response = runner.run(event(message("m-1", Json.write(envelope("r-1", 0))),
                message("m-2", Json.write(envelope("r-2", 0))), message("m-3", Json.write(envelope("r-3", 0)))), work);

        assertThat(done).containsExactly("r-1", "r-3");
        assertThat(response.batchItemFailures()).isEmpty();
        assertThat(sqs.sentTo(QUEUE)).hasSize(1);
    }

    @Test
    void failedHandOffIsReportedSoSqsRedelivers() {
        sqs.failing = Set.of(QUEUE);
        SqsBatchResponse response = runner.run(event(message("m-1", Json.write(envelope("r-1", 0))),
                message("m-2", Json.write(envelope("r-2", 0)))), e -> {
            if (e.recordId().equals("r-1")) {
                throw StepFailure.retryable("down");
            }
        });

        assertThat(response.batchItemFailures()).extracting(SqsBatchResponse.ItemFailure::itemIdentifier).containsExactly("m-1");
    }

    @Test
    void newerEnvelopeVersionIsDeadLetteredNotProcessed() throws IOException {
        String newer = Json.write(envelope("r-1", 0)).replace("\"version\":1", "\"version\":99");
        assertThat(newer).contains("\"version\":99");
        List<Envelope> seen = new ArrayList<>();

        SqsBatchResponse response = runner.run(event(message("m-1", newer)), seen::add);

        assertThat(seen).isEmpty();
        assertThat(response.batchItemFailures()).isEmpty();
        Envelope dead = read(sqs.sentTo(DLQ).getFirst());
        assertThat(dead.payload().asText()).isEqualTo(newer);
        assertThat(dead.failures()).singleElement().satisfies(f -> assertThat(f.reason()).contains("version 99"));
    }

    @Test
    void unreadableMessageIsDeadLetteredAsItCame() throws IOException {
        List<Envelope> seen = new ArrayList<>();

        SqsBatchResponse response = runner.run(event(message("m-1", "not json at all")), seen::add);

        assertThat(seen).isEmpty();
        assertThat(response.batchItemFailures()).isEmpty();
        Envelope dead = read(sqs.sentTo(DLQ).getFirst());
        assertThat(dead.payload().asText()).isEqualTo("not json at all");
        assertThat(dead.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
            assertThat(f.reason()).contains("m-1");
        });
    }

    // --- runGrouped ----------------------------------------------------------------------------------

    @Test
    void groupedWorkSeesTheWholeBatchAndEachOutcomeIsHandledLikeAThrownFailure() throws IOException {
        List<List<String>> calls = new ArrayList<>();
        SqsBatchResponse response = runner.runGrouped(event(message("m-1", Json.write(envelope("r-1", 0))),
                message("m-2", Json.write(envelope("r-2", 0))), message("m-3", "not json"),
                message("m-4", Json.write(envelope("r-4", 0))), message("m-5", Json.write(envelope("r-5", 0)))), envelopes -> {
            calls.add(envelopes.stream().map(Envelope::recordId).toList());
            return List.of(SqsBatchRunner.Outcome.DONE,
                    SqsBatchRunner.Outcome.failed(new StepFailure(FailureKind.PERMANENT, "item 2 answered 422: bad email", 422, "{}")),
                    SqsBatchRunner.Outcome.failed(new StepFailure(FailureKind.RETRYABLE, "answered 500", 500, null)),
                    SqsBatchRunner.Outcome.failed(new StepFailure(FailureKind.THROTTLED, "answered 429", 429, null)
                            .retryAfterSeconds(9).deferred()));
        });

        assertThat(calls).as("one call with every readable record, in order").containsExactly(List.of("r-1", "r-2", "r-4", "r-5"));
        assertThat(response.batchItemFailures()).isEmpty();
        List<Envelope> dead = new ArrayList<>();
        for (SendMessageRequest r : sqs.sentTo(DLQ)) {
            dead.add(read(r));
        }
        assertThat(dead).extracting(Envelope::recordId).containsExactlyInAnyOrder("r-2", null); // null: the unreadable one
        Envelope rejected = dead.stream().filter(e -> "r-2".equals(e.recordId())).findFirst().orElseThrow();
        assertThat(rejected.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
            assertThat(f.reason()).isEqualTo("item 2 answered 422: bad email");
            assertThat(f.httpStatus()).isEqualTo(422);
        });
        List<SendMessageRequest> requeued = sqs.sentTo(QUEUE);
        assertThat(requeued).hasSize(2);
        Envelope retried = read(requeued.get(0));
        assertThat(retried.recordId()).isEqualTo("r-4");
        assertThat(retried.attempt()).as("a retryable failure spends an attempt").isEqualTo(1);
        assertThat(requeued.get(0).delaySeconds()).isBetween(5, 10);
        Envelope deferred = read(requeued.get(1));
        assertThat(deferred.recordId()).isEqualTo("r-5");
        assertThat(deferred.attempt()).as("a deferral spends none").isZero();
        assertThat(deferred.failures()).singleElement().satisfies(f -> assertThat(f.kind()).isEqualTo(FailureKind.THROTTLED));
        assertThat(requeued.get(1).delaySeconds()).isEqualTo(9);
    }

    @Test
    void whenGroupedWorkThrowsEveryRecordFailsWithIt() throws IOException {
        runner.runGrouped(event(message("m-1", Json.write(envelope("r-1", 0))), message("m-2", Json.write(envelope("r-2", 0)))),
                envelopes -> {
                    throw new IllegalStateException("bug");
                });

        assertThat(sqs.sentTo(QUEUE)).hasSize(2);
        for (SendMessageRequest r : sqs.sentTo(QUEUE)) {
            assertThat(read(r).failures()).singleElement().satisfies(f -> {
                assertThat(f.kind()).isEqualTo(FailureKind.RETRYABLE);
                assertThat(f.reason()).isEqualTo("unexpected IllegalStateException: bug");
            });
        }
    }

    @Test
    void groupedWorkMustAnswerForEveryRecord() {
        runner.runGrouped(event(message("m-1", Json.write(envelope("r-1", 0))), message("m-2", Json.write(envelope("r-2", 0)))),
                envelopes -> List.of(SqsBatchRunner.Outcome.DONE));

        assertThat(sqs.sentTo(QUEUE)).as("neither record is taken as done").hasSize(2);
    }

    @Test
    void aFailedGroupedHandOffIsReportedSoSqsRedelivers() {
        sqs.failing = Set.of(QUEUE);
        SqsBatchResponse response = runner.runGrouped(event(message("m-1", Json.write(envelope("r-1", 0))),
                message("m-2", Json.write(envelope("r-2", 0)))), envelopes -> List.of(
                SqsBatchRunner.Outcome.DONE, SqsBatchRunner.Outcome.failed(StepFailure.retryable("down"))));

        assertThat(response.batchItemFailures()).extracting(SqsBatchResponse.ItemFailure::itemIdentifier).containsExactly("m-2");
    }

    // --- metrics -------------------------------------------------------------------------------------

    @Test
    void everyRecordIsCountedInAndByWhatBecameOfItOnceItsHandOffSucceeded() throws Exception {
        StepMetrics metrics = StepMetrics.collecting();
        SqsEvent batch = event(message("m-ok", Json.write(envelope("ok", 0))), message("m-500", Json.write(envelope("500", 0))),
                message("m-422", Json.write(envelope("422", 0))), message("m-last", Json.write(envelope("last", 2))),
                message("m-429", Json.write(envelope("429", 0))), message("m-budget", Json.write(envelope("budget", 0))),
                message("m-circuit", Json.write(envelope("circuit", 0))), message("m-bad", "not json"));
        Invocation.untimed(metrics).run(() -> runner.run(batch, e -> {
            switch (e.recordId()) {
                case "ok" -> { }
                case "500", "last" -> throw new StepFailure(FailureKind.RETRYABLE, "answered 500", 500, null);
                case "422" -> throw new StepFailure(FailureKind.PERMANENT, "answered 422", 422, null);
                case "429" -> throw new StepFailure(FailureKind.THROTTLED, "answered 429", 429, null).retryAfterSeconds(3);
                case "budget" -> throw new StepFailure(FailureKind.THROTTLED, "budget spent", null, null).deferred(WaitReason.RATE_BUDGET);
                case "circuit" -> throw StepFailure.retryable("circuit open").deferred(WaitReason.CIRCUIT);
                default -> throw new IllegalStateException(e.recordId());
            }
        }));
        InMemoryMetrics sink = new InMemoryMetrics();
        sink.publish(metrics.drain());

        String[] deliver = {"Integration", "crm-contacts", "Step", "deliver"};
        assertThat(sink.sum(StepMetrics.RECORDS_IN, deliver)).isEqualTo(7);
        assertThat(sink.sum(StepMetrics.RECORDS_IN, "Integration", StepMetrics.UNKNOWN_INTEGRATION)).as("unreadable").isEqualTo(1);
        assertThat(sink.sum(StepMetrics.RETRIED, deliver)).isEqualTo(1);
        assertThat(sink.sum(StepMetrics.DEAD_LETTERED, "Integration", "crm-contacts", "Kind", "permanent")).isEqualTo(1);
        assertThat(sink.sum(StepMetrics.DEAD_LETTERED, "Integration", "crm-contacts", "Kind", "retryable")).as("out of attempts").isEqualTo(1);
        assertThat(sink.sum(StepMetrics.DEAD_LETTERED, "Integration", StepMetrics.UNKNOWN_INTEGRATION, "Kind", "permanent")).isEqualTo(1);
        assertThat(sink.sum(StepMetrics.DEFERRED, "Integration", "crm-contacts", "Reason", "api_429")).isEqualTo(1);
        assertThat(sink.sum(StepMetrics.DEFERRED, "Integration", "crm-contacts", "Reason", "rate_budget")).isEqualTo(1);
        assertThat(sink.sum(StepMetrics.DEFERRED, "Integration", "crm-contacts", "Reason", "circuit")).isEqualTo(1);
        // What the queues saw, message for message.
        assertThat(sink.sum(StepMetrics.DEAD_LETTERED)).isEqualTo(sqs.sentTo(DLQ).size());
        assertThat(sink.sum(StepMetrics.RETRIED) + sink.sum(StepMetrics.DEFERRED)).isEqualTo(sqs.sentTo(QUEUE).size());
    }

    @Test
    void aHandOffThatFailedIsNotCountedAsRetried() throws Exception {
        sqs.failing = Set.of(QUEUE);
        StepMetrics metrics = StepMetrics.collecting();
        Invocation.untimed(metrics).run(() -> runner.run(event(message("m-1", Json.write(envelope("r-1", 0)))), e -> {
            throw StepFailure.retryable("down");
        }));
        InMemoryMetrics sink = new InMemoryMetrics();
        sink.publish(metrics.drain());
        assertThat(sink.sum(StepMetrics.RECORDS_IN)).isEqualTo(1);
        assertThat(sink.sum(StepMetrics.RETRIED)).isZero();
    }
}
