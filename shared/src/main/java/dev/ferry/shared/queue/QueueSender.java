package dev.ferry.shared.queue;

import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.json.Json;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Puts envelopes on SQS queues. Trace id and integration also travel as message attributes, so they
 * can be seen without parsing the body. A message over SQS' 1 MiB limit is refused here, whole,
 * with a clear error: it is never truncated.
 */
public final class QueueSender {

    /** SQS' limit for one message, body and attributes together, and for one batch. */
    public static final int MAX_MESSAGE_BYTES = 1024 * 1024;
    public static final int MAX_BATCH_ENTRIES = 10;
    public static final String ATTR_TRACE_ID = "ferry-trace-id";
    public static final String ATTR_INTEGRATION = "ferry-integration";

    private final SqsClient sqs;

    public QueueSender(SqsClient sqs) {
        this.sqs = sqs;
    }

    public void send(String queueUrl, Envelope envelope, int delaySeconds) {
        Encoded message = encode(envelope);
        sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(message.body())
                .messageAttributes(message.attributes()).delaySeconds(Math.clamp(delaySeconds, 0, 900)));
    }

    /**
     * Sends envelopes with SendMessageBatch, ten (and at most 1 MiB) per call. Every envelope is checked
     * before anything is sent. SQS answers per entry: entries it refused for a fault of its own (InternalError,
     * throttling) are retried once; every batch is sent even after a refusal, and the entries still refused at the end
     * are reported together, by record, in one {@link QueueException} — none is dropped silently.
     */
    public void sendAll(String queueUrl, List<Envelope> envelopes) {
        List<Encoded> messages = envelopes.stream().map(QueueSender::encode).toList();
        List<Refused> refused = new ArrayList<>();
        List<Encoded> batch = new ArrayList<>();
        int batchBytes = 0;
        for (Encoded m : messages) {
            if (batch.size() == MAX_BATCH_ENTRIES || batchBytes + m.size() > MAX_MESSAGE_BYTES) {
                refused.addAll(sendBatch(queueUrl, batch));
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            batch.add(m);
            batchBytes += m.size();
        }
        if (!batch.isEmpty()) {
            refused.addAll(sendBatch(queueUrl, batch));
        }
        if (!refused.isEmpty()) {
            List<String> ids = refused.stream().map(r -> r.message().recordId()).toList();
            String reasons = refused.stream().map(r -> r.message().recordId() + " (" + r.error().code() + ": " + r.error().message() + ")")
                    .limit(10).collect(java.util.stream.Collectors.joining(", "));
            throw new QueueException(refused.size() + " of " + messages.size() + " messages were refused by " + queueUrl + ": "
                    + reasons + (refused.size() > 10 ? ", ..." : ""), ids);
        }
    }

    private record Refused(Encoded message, BatchResultErrorEntry error) {
    }

    /** @return the entries SQS still refused: at once when the fault is the sender's (a retry would be refused again) */
    private List<Refused> sendBatch(String queueUrl, List<Encoded> batch) {
        List<Encoded> pending = batch;
        List<Refused> refused = new ArrayList<>();
        for (int round = 0; round < 2 && !pending.isEmpty(); round++) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                Encoded m = pending.get(i);
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .messageBody(m.body()).messageAttributes(m.attributes()).build());
            }
            SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
            List<Encoded> retry = new ArrayList<>();
            for (BatchResultErrorEntry error : response.failed()) {
                Encoded m = pending.get(Integer.parseInt(error.id()));
                if (round == 0 && !Boolean.TRUE.equals(error.senderFault())) {
                    retry.add(m);
                } else {
                    refused.add(new Refused(m, error));
                }
            }
            pending = retry;
        }
        return refused;
    }

    record Encoded(String recordId, String body, Map<String, MessageAttributeValue> attributes, int size) {
    }

    static Encoded encode(Envelope envelope) {
        String body = Json.write(envelope);
        // SQS refuses empty attribute values: leave out what the envelope lacks.
        Map<String, MessageAttributeValue> attributes = new java.util.HashMap<>();
        if (envelope.traceId() != null && !envelope.traceId().isEmpty()) {
            attributes.put(ATTR_TRACE_ID, string(envelope.traceId()));
        }
        if (envelope.integration() != null && !envelope.integration().isEmpty()) {
            attributes.put(ATTR_INTEGRATION, string(envelope.integration()));
        }
        // SQS counts UTF-8 bytes: of the body, and of each attribute's name, type and value.
        int size = utf8Bytes(body);
        for (var a : attributes.entrySet()) {
            size += utf8Bytes(a.getKey()) + utf8Bytes(a.getValue().dataType()) + utf8Bytes(a.getValue().stringValue());
        }
        if (size > MAX_MESSAGE_BYTES) {
            throw new RecordTooLargeException(envelope.integration(), envelope.recordId(), size, MAX_MESSAGE_BYTES);
        }
        return new Encoded(envelope.recordId(), body, attributes, size);
    }

    private static int utf8Bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
