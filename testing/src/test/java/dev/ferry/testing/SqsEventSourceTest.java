package dev.ferry.testing;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.FerryConfig.Queue;
import dev.ferry.shared.lambda.LambdaIo;
import dev.ferry.shared.lambda.SqsBatchResponse;
import dev.ferry.shared.lambda.SqsEvent;
import dev.ferry.shared.json.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(SharedEmulators.class)
class SqsEventSourceTest {

    /** Fails every record whose body is "fail"; throws for a body "throw"; otherwise succeeds. */
    static final class TinyHandler implements RequestStreamHandler {
        final List<JsonNode> events = new CopyOnWriteArrayList<>();
        final List<Context> contexts = new CopyOnWriteArrayList<>();
        final List<String> processed = new CopyOnWriteArrayList<>();

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            JsonNode event = LambdaIo.readTree(input);
            events.add(event);
            contexts.add(context);
            SqsEvent sqsEvent = LambdaIo.convert(event, SqsEvent.class);
            List<String> failed = new ArrayList<>();
            for (SqsEvent.Message m : sqsEvent.records()) {
                switch (m.body()) {
                    case "throw" -> throw new IllegalStateException("boom (expected by the test)");
                    case "fail" -> failed.add(m.messageId());
                    default -> processed.add(m.body());
                }
            }
            LambdaIo.write(output, SqsBatchResponse.of(failed));
        }
    }

    private final AwsEmulators aws;

    SqsEventSourceTest(AwsEmulators aws) {
        this.aws = aws;
    }

    @BeforeEach
    void reset() {
        aws.reset();
    }

    private SqsEventSource source(TinyHandler handler) {
        return new SqsEventSource(aws.sqs(), aws.queueUrl(Queue.TRANSFORM), aws.queueArn(Queue.TRANSFORM),
                handler, "ferry-transform");
    }

    private void send(String body) {
        aws.sqs().sendMessage(r -> r.queueUrl(aws.queueUrl(Queue.TRANSFORM)).messageBody(body)
                .messageAttributes(Map.of(
                        "ferry-trace-id", MessageAttributeValue.builder().dataType("String").stringValue("trace-" + body).build(),
                        "blob", MessageAttributeValue.builder().dataType("Binary")
                                .binaryValue(SdkBytes.fromUtf8String("bin")).build())));
    }

    @Test
    void deliversARealSqsEventDeletesSuccessesAndLeavesAReportedFailureForRedelivery() {
        TinyHandler handler = new TinyHandler();
        send("ok-1");
        send("fail");
        send("ok-2");
        SqsEventSource source = source(handler);

        int received = 0;
        for (int i = 0; i < 10 && received < 3; i++) {
            received += source.pollOnce();
        }
        assertThat(received).isEqualTo(3);
        assertThat(handler.processed).containsExactlyInAnyOrder("ok-1", "ok-2");
        assertThat(source.deleted()).isEqualTo(2);
        assertThat(aws.depth(Queue.TRANSFORM)).as("the failure is back in flight, successes are gone").isEqualTo(1);

        // the event is in Lambda's shape
        JsonNode record = handler.events.getFirst().get("Records").get(0);
        assertThat(record.fieldNames()).toIterable().containsExactly("messageId", "receiptHandle", "body",
                "attributes", "messageAttributes", "md5OfBody", "eventSource", "eventSourceARN", "awsRegion");
        assertThat(record.get("eventSource").asText()).isEqualTo("aws:sqs");
        assertThat(record.get("eventSourceARN").asText()).isEqualTo(aws.queueArn(Queue.TRANSFORM));
        assertThat(record.get("awsRegion").asText()).isEqualTo("us-east-1");
        assertThat(record.get("attributes").fieldNames()).toIterable().contains("ApproximateReceiveCount",
                "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp");
        assertThat(record.get("attributes").get("ApproximateReceiveCount").asText()).isEqualTo("1");
        JsonNode trace = record.get("messageAttributes").get("ferry-trace-id");
        assertThat(trace.fieldNames()).toIterable().containsExactly("stringValue", "stringListValues", "binaryListValues", "dataType");
        assertThat(trace.get("stringValue").asText()).startsWith("trace-");
        assertThat(trace.get("dataType").asText()).isEqualTo("String");
        JsonNode blob = record.get("messageAttributes").get("blob");
        assertThat(blob.get("binaryValue").asText()).isEqualTo("Ymlu");
        assertThat(blob.get("dataType").asText()).isEqualTo("Binary");
        assertThat(record.get("md5OfBody").asText()).hasSize(32);
        assertThat(handler.contexts.getFirst().getFunctionName()).isEqualTo("ferry-transform");
        assertThat(handler.contexts.getFirst().getRemainingTimeInMillis()).isBetween(1, 60_000);

        // the failure comes back after the 1 s visibility timeout, counted as a second receive
        List<JsonNode> before = List.copyOf(handler.events);
        assertThat(Await.until(Duration.ofSeconds(10), () -> source.pollOnce() > 0)).isTrue();
        JsonNode again = handler.events.get(before.size()).get("Records").get(0);
        assertThat(again.get("body").asText()).isEqualTo("fail");
        assertThat(again.get("attributes").get("ApproximateReceiveCount").asText()).isEqualTo("2");

        // maxReceiveCount (2) used up: the next receive moves it to the DLQ
        assertThat(Await.until(Duration.ofSeconds(10), () -> {
            source.pollOnce();
            return aws.depth(Queue.TRANSFORM_DLQ) == 1;
        })).isTrue();
        List<Message> dead = aws.drain(Queue.TRANSFORM_DLQ);
        assertThat(dead).singleElement().satisfies(m -> {
            assertThat(m.body()).isEqualTo("fail");
            assertThat(m.messageAttributes().get("ferry-trace-id").stringValue()).isEqualTo("trace-fail");
        });
        assertThat(Await.awaitQuiet(aws, Duration.ofSeconds(5), Queue.TRANSFORM, Queue.TRANSFORM_DLQ)).isTrue();
    }

    @Test
    void whenTheHandlerThrowsTheWholeBatchReturns() {
        TinyHandler handler = new TinyHandler();
        send("ok-1");
        send("throw");
        SqsEventSource source = source(handler);
        int received = 0;
        for (int i = 0; i < 10 && received < 2; i++) {
            received += source.pollOnce();
        }
        assertThat(received).isEqualTo(2);
        assertThat(source.deleted()).isZero();
        assertThat(aws.depth(Queue.TRANSFORM)).isEqualTo(2);
    }

    @Test
    void anAnswerNamingAnUnknownMessageFailsTheWholeBatch() {
        send("ok-1");
        RequestStreamHandler liar = (in, out, ctx) -> {
            in.readAllBytes();
            out.write("{\"batchItemFailures\":[{\"itemIdentifier\":\"not-in-batch\"}]}".getBytes());
        };
        SqsEventSource source = new SqsEventSource(aws.sqs(), aws.queueUrl(Queue.TRANSFORM),
                aws.queueArn(Queue.TRANSFORM), liar, "liar");
        assertThat(Await.until(Duration.ofSeconds(5), () -> source.pollOnce() > 0)).isTrue();
        assertThat(source.deleted()).isZero();
        assertThat(aws.depth(Queue.TRANSFORM)).isEqualTo(1);
    }

    @Test
    void startPollsInTheBackgroundUntilClosed() throws Exception {
        TinyHandler handler = new TinyHandler();
        try (SqsEventSource source = source(handler).start()) {
            for (int i = 0; i < 25; i++) {
                send("bg-" + i);
            }
            assertThat(Await.awaitQuiet(aws, Duration.ofSeconds(15), Queue.TRANSFORM)).isTrue();
            assertThat(handler.processed).hasSize(25);
            assertThat(source.invocations()).isBetween(3L, 25L);
        }
        Thread.sleep(50);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("sqs-event-source-ferry-transform"));
    }

    @Test
    void anEmptyOrNullAnswerMeansEverythingSucceeded() {
        send("a");
        RequestStreamHandler silent = (in, out, ctx) -> in.readAllBytes();
        SqsEventSource source = new SqsEventSource(aws.sqs(), aws.queueUrl(Queue.TRANSFORM),
                aws.queueArn(Queue.TRANSFORM), silent, "silent");
        assertThat(Await.until(Duration.ofSeconds(5), () -> source.pollOnce() > 0)).isTrue();
        assertThat(source.deleted()).isEqualTo(1);
        assertThat(aws.depth(Queue.TRANSFORM)).isZero();
    }

    @Test
    void theEventParsesIntoTheSharedSqsEventRecord() throws Exception {
        send("x");
        TinyHandler handler = new TinyHandler();
        SqsEventSource source = source(handler);
        assertThat(Await.until(Duration.ofSeconds(5), () -> source.pollOnce() > 0)).isTrue();
        SqsEvent event = Json.MAPPER.treeToValue(handler.events.getFirst(), SqsEvent.class);
        SqsEvent.Message m = event.records().getFirst();
        assertThat(m.receiveCount()).isEqualTo(1);
        assertThat(m.eventSourceArn()).isEqualTo(aws.queueArn(Queue.TRANSFORM));
        assertThat(m.messageAttributes().get("ferry-trace-id").stringValue()).isEqualTo("trace-x");
        assertThat(LambdaIo.isSqsEvent(handler.events.getFirst())).isTrue();
    }

    @Test
    void aBatchAboveTenIsGatheredFromSeveralReceivesWithinTheWindow() {
        // The shared queues' 1 s visibility timeout is shorter than the window: received messages would come back
        // while the batch is still being gathered. On AWS the visibility timeout exceeds window + function timeout.
        setVisibility(Queue.TRANSFORM, 20);
        try {
            for (int i = 0; i < 35; i++) {
                send("w-" + i);
            }
            TinyHandler handler = new TinyHandler();
            SqsEventSource source = new SqsEventSource(aws.sqs(), aws.queueUrl(Queue.TRANSFORM), aws.queueArn(Queue.TRANSFORM),
                    handler, "ferry-deliver", LocalLambdaContext.DEFAULT_TIMEOUT, 30, Duration.ofSeconds(2));

            assertThat(source.pollOnce()).as("one invocation, a full batch").isEqualTo(30);
            assertThat(handler.events).singleElement().satisfies(e -> assertThat(e.get("Records")).hasSize(30));
            assertThat(source.deleted()).as("deleted ten at a time, all of them").isEqualTo(30);
            assertThat(source.pollOnce()).as("the rest, once the window has passed").isEqualTo(5);
            assertThat(handler.events).hasSize(2);
            assertThat(handler.processed).hasSize(35).doesNotHaveDuplicates();
            assertThat(aws.depth(Queue.TRANSFORM)).isZero();
        } finally {
            setVisibility(Queue.TRANSFORM, SharedEmulators.VISIBILITY_TIMEOUT_SECONDS);
        }
    }

    private void setVisibility(Queue queue, int seconds) {
        aws.sqs().setQueueAttributes(r -> r.queueUrl(aws.queueUrl(queue))
                .attributes(Map.of(software.amazon.awssdk.services.sqs.model.QueueAttributeName.VISIBILITY_TIMEOUT,
                        Integer.toString(seconds))));
    }

    @Test
    void aBatchAboveTenNeedsABatchingWindowAsOnLambda() {
        RequestStreamHandler none = (in, out, ctx) -> { };
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SqsEventSource(aws.sqs(), aws.queueUrl(Queue.TRANSFORM),
                        aws.queueArn(Queue.TRANSFORM), none, "x", LocalLambdaContext.DEFAULT_TIMEOUT, 11, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batching window");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new SqsEventSource(aws.sqs(), aws.queueUrl(Queue.TRANSFORM),
                        aws.queueArn(Queue.TRANSFORM), none, "x", LocalLambdaContext.DEFAULT_TIMEOUT, 10_001, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
