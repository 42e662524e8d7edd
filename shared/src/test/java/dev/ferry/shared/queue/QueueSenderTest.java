package dev.ferry.shared.queue;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.json.Json;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class QueueSenderTest {

    static Envelope envelope(String recordId, String payload) {
        return Envelope.fresh("crm-contacts", recordId, recordId + "@1", "trace-" + recordId,
                new Envelope.SourceInfo("webhook", "d-1", null, false), TextNode.valueOf(payload));
    }

    /**
     * What SQS counts for an envelope whose payload is an empty string, worked out here rather than asked of the code
     * under test: the UTF-8 bytes of its JSON body, and each attribute's name, type and value (ferry-trace-id String
     * trace-&lt;id&gt;, ferry-integration String crm-contacts). The ids used here are ASCII, so characters are bytes.
     */
    static int overhead(String recordId) {
        int body = Json.write(envelope(recordId, "")).getBytes(StandardCharsets.UTF_8).length;
        return body + (14 + 6 + ("trace-" + recordId).length()) + (17 + 6 + 12);
    }

    @Test
    void attributesCarryTraceIdAndIntegration() {
        QueueSender.Encoded encoded = QueueSender.encode(envelope("c-1", "hello"));

        assertThat(encoded.attributes()).containsOnlyKeys(QueueSender.ATTR_TRACE_ID, QueueSender.ATTR_INTEGRATION);
        assertThat(encoded.attributes().get(QueueSender.ATTR_TRACE_ID).stringValue()).isEqualTo("trace-c-1");
        assertThat(encoded.attributes().get(QueueSender.ATTR_TRACE_ID).dataType()).isEqualTo("String");
        assertThat(encoded.attributes().get(QueueSender.ATTR_INTEGRATION).stringValue()).isEqualTo("crm-contacts");
        assertThat(encoded.body()).isEqualTo(Json.write(envelope("c-1", "hello")));
    }

    @Test
    void sizeCountsBodyBytesAndAttributes() {
        QueueSender.Encoded encoded = QueueSender.encode(envelope("c-1", "é"));
        int body = encoded.body().getBytes(StandardCharsets.UTF_8).length;
        // SQS counts each attribute's name, type and value: ferry-trace-id String trace-c-1, ferry-integration String crm-contacts
        int attributes = (14 + 6 + 9) + (17 + 6 + 12);

        assertThat(encoded.size()).isEqualTo(body + attributes);
    }

    /** An envelope whose trace id holds multi-byte text: "ü" is 2 bytes in UTF-8, "😀" 4 (and 2 Java chars). */
    static Envelope multiByteTrace(String payload) {
        return Envelope.fresh("crm-contacts", "c-1", "c-1@1", "trace-ü😀",
                new Envelope.SourceInfo("webhook", "d-1", null, false), TextNode.valueOf(payload));
    }

    @Test
    void attributesCountTheirUtf8BytesAsSqsDoes() {
        QueueSender.Encoded encoded = QueueSender.encode(multiByteTrace("x"));
        int body = encoded.body().getBytes(StandardCharsets.UTF_8).length;
        // "trace-ü😀" is 9 chars but 6 + 2 + 4 = 12 bytes
        int attributes = (14 + 6 + 12) + (17 + 6 + 12);

        assertThat(encoded.size()).isEqualTo(body + attributes);
    }

    @Test
    void anEnvelopeOverTheLimitOnlyInBytesIsRefusedBeforeSqsRefusesIt() {
        int body = Json.write(multiByteTrace("")).getBytes(StandardCharsets.UTF_8).length;
        int room = QueueSender.MAX_MESSAGE_BYTES - body - (14 + 6 + 12) - (17 + 6 + 12);
        assertThat(QueueSender.encode(multiByteTrace("a".repeat(room))).size()).isEqualTo(QueueSender.MAX_MESSAGE_BYTES);

        RecordTooLargeException e = catchThrowableOfType(RecordTooLargeException.class,
                () -> QueueSender.encode(multiByteTrace("a".repeat(room + 1))));
        assertThat(e).as("one byte over SQS' limit, counted in UTF-8 bytes").isNotNull();
        assertThat(e.bytes()).isEqualTo(QueueSender.MAX_MESSAGE_BYTES + 1);
    }

    @Test
    void envelopeAtTheLimitPasses() {
        int room = QueueSender.MAX_MESSAGE_BYTES - overhead("c-1");
        QueueSender.Encoded encoded = QueueSender.encode(envelope("c-1", "a".repeat(room)));

        assertThat(encoded.size()).isEqualTo(QueueSender.MAX_MESSAGE_BYTES);
    }

    /**
     * "€" is one Java character and three UTF-8 bytes. A payload of them that fills the limit in bytes is a third of it
     * in characters: counted in characters it would pass by far, and SQS would refuse it. (ElasticMQ, the local SQS,
     * counts characters — it accepts a 2 MiB body of two-byte text — so this check is all that stands between such a
     * record and a refusal on AWS.)
     */
    @Test
    void threeByteTextFillsTheLimitInBytesAndOneByteMoreIsRefused() {
        int room = QueueSender.MAX_MESSAGE_BYTES - overhead("eur-1");
        String atLimit = "€".repeat(room / 3) + "a".repeat(room % 3);
        assertThat(atLimit.getBytes(StandardCharsets.UTF_8)).hasSize(room);
        assertThat(atLimit.length()).isLessThan(room / 2);

        assertThat(QueueSender.encode(envelope("eur-1", atLimit)).size()).isEqualTo(QueueSender.MAX_MESSAGE_BYTES);
        RecordTooLargeException e = catchThrowableOfType(RecordTooLargeException.class,
                () -> QueueSender.encode(envelope("eur-1", atLimit + "a")));
        assertThat(e).isNotNull();
        assertThat(e.bytes()).isEqualTo(QueueSender.MAX_MESSAGE_BYTES + 1);
    }

    @Test
    void envelopeOverTheLimitIsRefusedNamingRecordAndLimit() {
        int room = QueueSender.MAX_MESSAGE_BYTES - overhead("big-1");
        RecordTooLargeException e = catchThrowableOfType(RecordTooLargeException.class,
                () -> QueueSender.encode(envelope("big-1", "a".repeat(room + 1))));

        assertThat(e).isNotNull();
        assertThat(e.bytes()).isEqualTo(QueueSender.MAX_MESSAGE_BYTES + 1);
        assertThat(e.getMessage()).contains("'big-1'").contains("'crm-contacts'")
                .contains(Integer.toString(QueueSender.MAX_MESSAGE_BYTES + 1))
                .contains("limit is " + QueueSender.MAX_MESSAGE_BYTES + " bytes");
    }

    @Test
    void limitCountsUtf8BytesNotCharacters() {
        // 600 000 characters, 1 200 000 bytes
        RecordTooLargeException e = catchThrowableOfType(RecordTooLargeException.class,
                () -> QueueSender.encode(envelope("wide-1", "é".repeat(600_000))));

        assertThat(e).isNotNull();
        assertThat(e.bytes()).isGreaterThan(1_200_000);
    }

    @Test
    void sendPutsBodyAttributesAndClampedDelay() {
        RecordingSqsClient sqs = new RecordingSqsClient();
        QueueSender sender = new QueueSender(sqs);

        sender.send("q-url", envelope("c-1", "x"), 5);
        sender.send("q-url", envelope("c-2", "x"), 5000);
        sender.send("q-url", envelope("c-3", "x"), -1);

        assertThat(sqs.sent).extracting(SendMessageRequest::delaySeconds).containsExactly(5, 900, 0);
        SendMessageRequest first = sqs.sent.getFirst();
        assertThat(first.queueUrl()).isEqualTo("q-url");
        assertThat(first.messageBody()).isEqualTo(Json.write(envelope("c-1", "x")));
        assertThat(first.messageAttributes().get(QueueSender.ATTR_TRACE_ID).stringValue()).isEqualTo("trace-c-1");
    }

    @Test
    void oversizedEnvelopeIsNeverSent() {
        RecordingSqsClient sqs = new RecordingSqsClient();
        QueueSender sender = new QueueSender(sqs);
        List<Envelope> envelopes = List.of(envelope("ok-1", "x"), envelope("big-1", "a".repeat(QueueSender.MAX_MESSAGE_BYTES)));

        catchThrowableOfType(RecordTooLargeException.class, () -> sender.sendAll("q-url", envelopes));

        assertThat(sqs.batches).isEmpty();
        assertThat(sqs.sent).isEmpty();
    }

    @Test
    void sendAllBatchesByTenAndByBytes() {
        RecordingSqsClient sqs = new RecordingSqsClient();
        QueueSender sender = new QueueSender(sqs);
        List<Envelope> small = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            small.add(envelope("s-" + i, "x"));
        }
        sender.sendAll("q-url", small);
        assertThat(sqs.batches).extracting(b -> b.entries().size()).containsExactly(10, 10, 3);

        sqs.batches.clear();
        String quarter = "a".repeat(QueueSender.MAX_MESSAGE_BYTES / 4);
        List<Envelope> large = List.of(envelope("l-1", quarter), envelope("l-2", quarter), envelope("l-3", quarter),
                envelope("l-4", quarter), envelope("l-5", quarter));
        sender.sendAll("q-url", large);
        assertThat(sqs.batches).extracting(b -> b.entries().size()).containsExactly(3, 2);
        for (var batch : sqs.batches) {
            int bytes = batch.entries().stream().mapToInt(e -> e.messageBody().getBytes(StandardCharsets.UTF_8).length).sum();
            assertThat(bytes).isLessThanOrEqualTo(QueueSender.MAX_MESSAGE_BYTES);
        }
    }

    @Test
    void envelopeWithoutTraceIdCanBeEncoded() {
        // SqsBatchRunner dead-letters unreadable messages in an envelope without a trace id.
        Envelope noTrace = new Envelope(Envelope.CURRENT_VERSION, "crm-contacts", null, null, null, 1, null,
                TextNode.valueOf("garbage"), List.of());

        QueueSender.Encoded encoded = QueueSender.encode(noTrace);

        assertThat(encoded.attributes().get(QueueSender.ATTR_INTEGRATION).stringValue()).isEqualTo("crm-contacts");
        // SQS refuses attributes with empty values: either leave the trace id out or give it a value
        assertThat(encoded.attributes().values()).hasSize(1).allSatisfy(v -> assertThat(v.stringValue()).isNotEmpty());
    }
}
