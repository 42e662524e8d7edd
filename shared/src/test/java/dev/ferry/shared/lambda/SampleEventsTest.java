package dev.ferry.shared.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.mapping.FieldMapper;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.SpecLoader;
import dev.ferry.shared.idempotency.IdempotencyKeys;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repo's sample events (events/, see its README) parse into the types the handlers use and describe
 * one traced record of sandbox-contacts end to end. A missing file fails its test.
 */
class SampleEventsTest {

    static final Path EVENTS = Path.of("../events");
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    static JsonNode read(String file) throws IOException {
        Path path = EVENTS.resolve(file);
        // A missing sample fails: a skipped test would pass with events/ gone, and nothing would check the samples at all.
        assertThat(Files.isRegularFile(path)).as("%s is missing (events/ ships one sample per function)", path.toAbsolutePath().normalize())
                .isTrue();
        try (InputStream in = Files.newInputStream(path)) {
            return LambdaIo.readTree(in);
        }
    }

    static IntegrationSpec sandboxContacts() throws IOException {
        Path path = Path.of("../sandbox/integrations/sandbox-contacts.yaml");
        Map<String, String> settings = Map.of("sandbox.crm.url", "http://127.0.0.1:1", "sandbox.billing.url", "http://127.0.0.1:2");
        SpecLoader loader = new SpecLoader(k -> Optional.ofNullable(settings.get(k)), true);
        var apis = dev.ferry.shared.spec.ApiRegistry.load(loader, java.util.List.of(Path.of("../sandbox/apis")));
        return loader.withApis(apis).load(path.toString(), Files.readString(path));
    }

    static HttpApiEvent webhook(String file) throws IOException {
        JsonNode tree = read(file);
        assertThat(LambdaIo.isSqsEvent(tree)).isFalse();
        HttpApiEvent event = LambdaIo.convert(tree, HttpApiEvent.class);
        assertThat(event.method()).isEqualTo("POST");
        assertThat(event.path()).isEqualTo("/webhooks/sandbox-contacts");
        assertThat(event.header("X-Sandbox-Delivery")).isEqualTo("d-1001");
        assertThat(event.header("X-SANDBOX-SIGNATURE")).startsWith("sha256=");
        assertThat(event.header("Traceparent")).contains(TRACE);
        return event;
    }

    static SqsEvent.Message sqs(String file, String queue) throws IOException {
        JsonNode tree = read(file);
        assertThat(LambdaIo.isSqsEvent(tree)).isTrue();
        SqsEvent event = LambdaIo.convert(tree, SqsEvent.class);
        assertThat(event.records()).hasSize(1);
        SqsEvent.Message m = event.records().getFirst();
        assertThat(m.eventSourceArn()).endsWith(":" + queue);
        assertThat(m.receiveCount()).isEqualTo(1);
        assertThat(m.messageAttributes().get("ferry-trace-id").stringValue()).isEqualTo(TRACE);
        assertThat(m.messageAttributes().get("ferry-integration").stringValue()).isEqualTo("sandbox-contacts");
        assertThat(m.md5OfBody()).isEqualTo(md5(m.body()));
        return m;
    }

    static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static Envelope envelope(SqsEvent.Message m) throws IOException {
        Envelope e = Json.read(m.body(), Envelope.class);
        assertThat(e.integration()).isEqualTo("sandbox-contacts");
        assertThat(e.recordId()).isEqualTo("c-1001");
        assertThat(e.traceId()).isEqualTo(TRACE);
        assertThat(e.version()).isEqualTo(Envelope.CURRENT_VERSION);
        return e;
    }

    @Test
    void webhookHttpApi() throws IOException {
        HttpApiEvent event = webhook("webhook-http-api.json");

        assertThat(event.pathParameters()).containsEntry("integration", "sandbox-contacts");
        assertThat(event.isBase64Encoded()).isFalse();
        assertThat(Json.tree(event.bodyBytes()).get("id").asText()).isEqualTo("c-1001");
    }

    @Test
    void webhookFunctionUrlCarriesTheSameBodyBase64Encoded() throws IOException {
        HttpApiEvent event = webhook("webhook-function-url.json");

        assertThat(event.routeKey()).isEqualTo("$default");
        assertThat(event.pathParameters()).isNull();
        assertThat(event.isBase64Encoded()).isTrue();
        byte[] decoded = event.bodyBytes();
        assertThat(decoded).isNotEqualTo(event.body().getBytes(StandardCharsets.UTF_8));
        assertThat(decoded).isEqualTo(webhook("webhook-http-api.json").bodyBytes());
        assertThat(Integer.parseInt(event.header("Content-Length"))).isEqualTo(decoded.length);
    }

    @Test
    void fetchSchedule() throws IOException {
        JsonNode tree = read("fetch-schedule.json");
        assertThat(LambdaIo.isSqsEvent(tree)).isFalse();
        ScheduledEvent event = LambdaIo.convert(tree, ScheduledEvent.class);

        assertThat(event.detailType()).isEqualTo("Scheduled Event");
        assertThat(event.integration()).isEqualTo("sandbox-contacts");
    }

    @Test
    void fetchSqsCarriesAThinEnvelope() throws IOException {
        Envelope e = envelope(sqs("fetch-sqs.json", "ferry-fetch"));

        assertThat(e.source().thin()).isTrue();
        assertThat(e.idempotencyKey()).isNull();
    }

    @Test
    void transformSqsCarriesTheWebhookRecord() throws IOException {
        Envelope e = envelope(sqs("transform-sqs.json", "ferry-transform"));

        assertThat(e.source().thin()).isFalse();
        assertThat(e.attempt()).isZero();
        // the same record the webhook samples carry, keyed the way the webhook step keys it
        assertThat(e.payload()).isEqualTo(Json.tree(webhook("webhook-http-api.json").bodyBytes()));
        assertThat(e.idempotencyKey()).isEqualTo(IdempotencyKeys.forRecord(sandboxContacts(), "c-1001", e.payload()));
    }

    @Test
    void deliverSqsCarriesTheMappedRecord() throws IOException {
        Envelope transform = envelope(sqs("transform-sqs.json", "ferry-transform"));
        Envelope deliver = envelope(sqs("deliver-sqs.json", "ferry-deliver"));

        assertThat(deliver.idempotencyKey()).isEqualTo(transform.idempotencyKey());
        assertThat(deliver.payload()).isEqualTo(new FieldMapper().map(sandboxContacts().mapping(), transform.payload()));
    }
}
