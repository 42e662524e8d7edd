package dev.ferry.testing;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.json.Json;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Does locally what Lambda's SQS event source mapping does with {@code ReportBatchItemFailures}: receives
 * up to {@code batchSize} messages (ten by default), hands them to the handler as a real SQS event, deletes the
 * messages the handler did not report as failed and leaves the failed ones to reappear after their visibility
 * timeout (so the queue's redrive policy moves them to the DLQ after maxReceiveCount receives).
 *
 * <p>ReceiveMessage returns at most ten messages, so a batch size above ten is gathered as Lambda's batching
 * window does: after the first message arrives, receives go on until the batch is full or the window has passed.
 * As on Lambda, a batch size above ten needs a window of at least one second, and the queue's visibility timeout
 * should exceed the window (plus the function's timeout), or the first messages come back while the batch is
 * still being gathered.
 *
 * <p>As on Lambda, the whole batch returns to the queue when the handler throws, or when its answer is not
 * valid JSON or names an item that is empty, null or not in the batch.
 */
public final class SqsEventSource implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SqsEventSource.class);
    /** The most one ReceiveMessage (and one DeleteMessageBatch) handles, and the default batch size. */
    public static final int MAX_BATCH = 10;
    /** Lambda's largest batch size for standard queues. */
    public static final int MAX_BATCH_SIZE = 10_000;
    /** Long-poll wait per receive: short, so that {@link #close()} is quick. */
    public static final int WAIT_SECONDS = 1;

    /** System attributes Lambda puts in a record's {@code attributes}, in Lambda's order. */
    private static final List<String> LAMBDA_ATTRIBUTES = List.of(
            "ApproximateReceiveCount", "AWSTraceHeader", "SentTimestamp", "SequenceNumber", "MessageGroupId",
            "SenderId", "MessageDeduplicationId", "ApproximateFirstReceiveTimestamp");

    private final SqsClient sqs;
    private final String queueUrl;
    private final String queueArn;
    private final RequestStreamHandler handler;
    private final String functionName;
    private final Duration functionTimeout;
    private final String region;
    private final int batchSize;
    private final Duration batchingWindow;

    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    private volatile boolean running;
    private Thread poller;

    public SqsEventSource(SqsClient sqs, String queueUrl, String queueArn, RequestStreamHandler handler, String functionName) {
        this(sqs, queueUrl, queueArn, handler, functionName, LocalLambdaContext.DEFAULT_TIMEOUT);
    }

    /** @param functionTimeout the function's timeout, reflected in the context's remaining time */
    public SqsEventSource(SqsClient sqs, String queueUrl, String queueArn, RequestStreamHandler handler,
                          String functionName, Duration functionTimeout) {
        this(sqs, queueUrl, queueArn, handler, functionName, functionTimeout, MAX_BATCH, Duration.ZERO);
    }

    /**
     * @param batchSize      most messages per invocation (1..10000), as the event source mapping's {@code BatchSize}
     * @param batchingWindow how long to gather a batch after its first message, as {@code MaximumBatchingWindowInSeconds};
     *                       at least one second when batchSize is above ten
     */
    public SqsEventSource(SqsClient sqs, String queueUrl, String queueArn, RequestStreamHandler handler,
                          String functionName, Duration functionTimeout, int batchSize, Duration batchingWindow) {
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batchSize must be 1.." + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        if (batchingWindow.isNegative() || batchingWindow.toSeconds() > 300) {
            throw new IllegalArgumentException("batchingWindow must be 0..300 s, got " + batchingWindow);
        }
        if (batchSize > MAX_BATCH && batchingWindow.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("a batch size above " + MAX_BATCH + " needs a batching window of at least"
                    + " 1 s (as on Lambda), got " + batchingWindow);
        }
        this.batchSize = batchSize;
        this.batchingWindow = batchingWindow;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.queueArn = queueArn;
        this.handler = handler;
        this.functionName = functionName;
        this.functionTimeout = functionTimeout;
        this.region = regionOf(queueArn);
    }

    /**
     * One receive (waiting up to {@value #WAIT_SECONDS} s) and, if anything came, more receives for the batching
     * window, then one invocation. Returns how many messages were received.
     */
    public int pollOnce() {
        List<Message> messages = new ArrayList<>(receive(Math.min(MAX_BATCH, batchSize), WAIT_SECONDS));
        if (messages.isEmpty()) {
            return 0;
        }
        long windowEnds = System.nanoTime() + batchingWindow.toNanos();
        while (messages.size() < batchSize) {
            long left = windowEnds - System.nanoTime();
            if (left <= 0) {
                break;
            }
            boolean wholeSecond = left >= 1_000_000_000L;
            List<Message> more = receive(Math.min(MAX_BATCH, batchSize - messages.size()), wholeSecond ? 1 : 0);
            messages.addAll(more);
            if (more.isEmpty() && !wholeSecond) {
                try {
                    Thread.sleep(Math.max(1, Math.min(100, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        received.addAndGet(messages.size());
        byte[] event = Json.writeBytes(event(messages));
        LocalLambdaContext context = new LocalLambdaContext(functionName, functionTimeout);
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        invocations.incrementAndGet();
        try {
            handler.handleRequest(new ByteArrayInputStream(event), answer, context);
        } catch (Exception | LinkageError | AssertionError e) {
            failed.addAndGet(messages.size());
            LOG.errorf(e, "%s failed on a batch of %d from %s (request %s); the whole batch returns to the queue",
                    functionName, messages.size(), queueUrl, context.getAwsRequestId());
            return messages.size();
        }
        Set<String> ids = new LinkedHashSet<>();
        messages.forEach(m -> ids.add(m.messageId()));
        Set<String> failures = failures(answer.toByteArray(), ids);
        if (failures == null) {
            failed.addAndGet(messages.size());
            return messages.size();
        }
        failed.addAndGet(failures.size());
        List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            if (!failures.contains(m.messageId())) {
                deletes.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(m.receiptHandle()).build());
            }
        }
        for (int from = 0; from < deletes.size(); from += MAX_BATCH) {
            List<DeleteMessageBatchRequestEntry> some = deletes.subList(from, Math.min(deletes.size(), from + MAX_BATCH));
            DeleteMessageBatchResponse response = sqs.deleteMessageBatch(r -> r.queueUrl(queueUrl).entries(some));
            deleted.addAndGet(response.successful().size());
            for (BatchResultErrorEntry error : response.failed()) {
                LOG.warnf("could not delete a processed message from %s: %s %s", queueUrl, error.code(), error.message());
            }
        }
        return messages.size();
    }

    private List<Message> receive(int max, int waitSeconds) {
        return sqs.receiveMessage(r -> r.queueUrl(queueUrl)
                .maxNumberOfMessages(max)
                .waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .messageAttributeNames("All")).messages();
    }

    /** Most messages per invocation. */
    public int batchSize() {
        return batchSize;
    }

    /** Polls on a background daemon thread until {@link #close()}. */
    public synchronized SqsEventSource start() {
        if (poller != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        poller = new Thread(this::loop, "sqs-event-source-" + functionName);
        poller.setDaemon(true);
        poller.start();
        return this;
    }

    private void loop() {
        while (running) {
            try {
                pollOnce();
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("polling %s for %s failed: %s", queueUrl, functionName, e.toString());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        Thread thread;
        synchronized (this) {
            running = false;
            thread = poller;
        }
        if (thread == null || thread == Thread.currentThread()) {
            return;
        }
        try {
            thread.join(Duration.ofSeconds(WAIT_SECONDS + 4));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(Duration.ofSeconds(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Handler invocations so far. */
    public long invocations() {
        return invocations.get();
    }

    public long received() {
        return received.get();
    }

    /** Messages deleted after the handler succeeded with them. */
    public long deleted() {
        return deleted.get();
    }

    /** Messages returned to the queue (reported failures, plus whole batches that failed). */
    public long failed() {
        return failed.get();
    }

    public String queueUrl() {
        return queueUrl;
    }

    // ------------------------------------------------------------------------------------------ event

    /** The event Lambda would deliver for these messages. */
    public ObjectNode event(List<Message> messages) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        ArrayNode records = event.putArray("Records");
        for (Message m : messages) {
            ObjectNode record = records.addObject();
            record.put("messageId", m.messageId());
            record.put("receiptHandle", m.receiptHandle());
            record.put("body", m.body());
            ObjectNode attributes = record.putObject("attributes");
            Map<String, String> system = m.attributesAsStrings();
            for (String name : LAMBDA_ATTRIBUTES) {
                String value = system.get(name);
                if (value != null) {
                    attributes.put(name, value);
                }
            }
            ObjectNode messageAttributes = record.putObject("messageAttributes");
            if (m.hasMessageAttributes()) {
                m.messageAttributes().forEach((name, value) -> messageAttributes.set(name, attribute(value)));
            }
            record.put("md5OfBody", m.md5OfBody());
            record.put("eventSource", "aws:sqs");
            record.put("eventSourceARN", queueArn);
            record.put("awsRegion", region);
        }
        return event;
    }

    private static ObjectNode attribute(MessageAttributeValue value) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        if (value.stringValue() != null) {
            node.put("stringValue", value.stringValue());
        }
        if (value.binaryValue() != null) {
            node.put("binaryValue", base64(value.binaryValue()));
        }
        ArrayNode strings = node.putArray("stringListValues");
        if (value.hasStringListValues()) {
            value.stringListValues().forEach(strings::add);
        }
        ArrayNode binaries = node.putArray("binaryListValues");
        if (value.hasBinaryListValues()) {
            value.binaryListValues().forEach(b -> binaries.add(base64(b)));
        }
        node.put("dataType", value.dataType());
        return node;
    }

    private static String base64(SdkBytes bytes) {
        return Base64.getEncoder().encodeToString(bytes.asByteArray());
    }

    /**
     * The ids the handler reported as failed; empty when all succeeded; null when the answer makes Lambda
     * treat the whole batch as failed.
     */
    private Set<String> failures(byte[] answer, Set<String> batchIds) {
        String text = new String(answer, java.nio.charset.StandardCharsets.UTF_8).trim();
        if (text.isEmpty() || text.equals("null")) {
            return Set.of();
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(text);
        } catch (IOException e) {
            LOG.errorf("%s answered with invalid JSON; the whole batch returns to the queue", functionName);
            return null;
        }
        JsonNode items = root == null ? null : root.get("batchItemFailures");
        if (items == null || items.isNull()) {
            return Set.of();
        }
        if (!items.isArray()) {
            LOG.errorf("%s answered batchItemFailures that is not a list; the whole batch returns to the queue", functionName);
            return null;
        }
        Set<String> failures = new HashSet<>();
        for (JsonNode item : items) {
            JsonNode id = item.get("itemIdentifier");
            if (id == null || !id.isTextual() || id.asText().isEmpty() || !batchIds.contains(id.asText())) {
                LOG.errorf("%s reported a batch item failure with a missing or unknown itemIdentifier (%s); "
                        + "the whole batch returns to the queue", functionName, id);
                return null;
            }
            failures.add(id.asText());
        }
        return failures;
    }

    private static String regionOf(String arn) {
        String[] parts = arn == null ? new String[0] : arn.split(":");
        return parts.length > 3 && !parts[3].isEmpty() ? parts[3] : AwsEmulators.REGION;
    }
}
