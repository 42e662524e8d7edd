package dev.ferry.shared.envelope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.json.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EnvelopeTest {

    static final Instant RECEIVED = Instant.parse("2026-03-04T05:06:07.123Z");
    static final Instant FAILED_AT = Instant.parse("2026-03-04T05:07:00Z");

    static ObjectNode payload() {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("id", "c-1");
        p.putObject("address").put("city", "Zürich");
        p.putNull("nothing");
        return p;
    }

    static Envelope sample() {
        return Envelope.fresh("crm-contacts", "c-1", "c-1@2026", "trace-1",
                new Envelope.SourceInfo("webhook", "d-1", RECEIVED, false), payload());
    }

    @Test
    void freshStartsAtAttemptZeroWithTheCurrentVersion() {
        Envelope e = sample();
        assertThat(e.version()).isEqualTo(Envelope.CURRENT_VERSION);
        assertThat(e.attempt()).isZero();
        assertThat(e.failures()).isEmpty();
        assertThat(e.traceId()).isEqualTo("trace-1");
    }

    @Test
    void freshMakesATraceIdWhenNoneIsGiven() {
        Envelope a = Envelope.fresh("i", "r", null, null, null, null);
        Envelope b = Envelope.fresh("i", "r", null, null, null, null);
        assertThat(a.traceId()).isNotBlank().isNotEqualTo(b.traceId());
    }

    @Test
    void roundTripsThroughJson() throws Exception {
        Envelope original = sample()
                .withFailure(new Failure("transform", 1, FailureKind.THROTTLED, "POST https://x answered 429", 429, "slow down", FAILED_AT))
                .withFailure(new Failure("transform", 2, FailureKind.RETRYABLE, "timed out", null, null, FAILED_AT.plusSeconds(60)));

        String json = Json.write(original);
        Envelope back = Json.read(json, Envelope.class);

        assertThat(back).isEqualTo(original);
        assertThat(back.failures()).hasSize(2);
        assertThat(back.failures().get(0).kind()).isEqualTo(FailureKind.THROTTLED);
        assertThat(back.source().receivedAt()).isEqualTo(RECEIVED);
    }

    @Test
    void jsonFormHasIsoInstantsLowerCaseKindsAndNoNulls() throws Exception {
        Envelope original = sample()
                .withFailure(new Failure("deliver", 1, FailureKind.PERMANENT, "answered 422", 422, null, FAILED_AT));
        JsonNode tree = Json.MAPPER.readTree(Json.write(original));

        assertThat(tree.get("version").asInt()).isEqualTo(1);
        assertThat(tree.at("/source/receivedAt").isTextual()).isTrue();
        assertThat(tree.at("/source/receivedAt").asText()).isEqualTo("2026-03-04T05:06:07.123Z");
        assertThat(tree.at("/source/thin").asBoolean()).isFalse();
        assertThat(tree.at("/failures/0/at").asText()).isEqualTo("2026-03-04T05:07:00Z");
        assertThat(tree.at("/failures/0/kind").asText()).isEqualTo("permanent");
        assertThat(tree.at("/failures/0/httpStatus").asInt()).isEqualTo(422);
        assertThat(tree.get("failures").get(0).has("detail")).isFalse();
        assertThat(tree.at("/payload/address/city").asText()).isEqualTo("Zürich");
        // null inside the payload is data, and stays
        assertThat(tree.at("/payload").has("nothing")).isTrue();
    }

    @Test
    void absentFieldsAreOmitted() throws Exception {
        Envelope thin = new Envelope(1, "crm-contacts", "c-1", null, "t", 0, null, null, null);
        JsonNode tree = Json.MAPPER.readTree(Json.write(thin));

        assertThat(tree.has("idempotencyKey")).isFalse();
        assertThat(tree.has("source")).isFalse();
        assertThat(tree.has("payload")).isFalse();
        assertThat(Json.read(Json.write(thin), Envelope.class)).isEqualTo(thin);
    }

    @Test
    void readsMessagesWithUnknownFieldsAndWithoutFailures() throws Exception {
        Envelope e = Json.read("""
                {"version": 1, "integration": "crm-contacts", "recordId": "c-9", "traceId": "t",
                 "attempt": 2, "addedLater": {"x": 1}, "payload": {"id": "c-9"}}
                """, Envelope.class);

        assertThat(e.integration()).isEqualTo("crm-contacts");
        assertThat(e.attempt()).isEqualTo(2);
        assertThat(e.failures()).isEmpty();
        assertThat(e.payload().get("id").asText()).isEqualTo("c-9");
    }

    @Test
    void withFailureIncrementsAttemptAndAppends() {
        Envelope e0 = sample();
        Failure f1 = new Failure("deliver", 1, FailureKind.RETRYABLE, "first", 500, null, FAILED_AT);
        Failure f2 = new Failure("deliver", 2, FailureKind.RETRYABLE, "second", 502, null, FAILED_AT);

        Envelope e1 = e0.withFailure(f1);
        Envelope e2 = e1.withFailure(f2);

        assertThat(e1.attempt()).isEqualTo(1);
        assertThat(e2.attempt()).isEqualTo(2);
        assertThat(e2.failures()).containsExactly(f1, f2);
        assertThat(e0.failures()).isEmpty();
        assertThat(e0.attempt()).isZero();
        assertThat(e1.failures()).containsExactly(f1);
        assertThat(e2.recordId()).isEqualTo(e0.recordId());
        assertThat(e2.payload()).isEqualTo(e0.payload());
    }

    @Test
    void nextResetsAttemptButKeepsHistoryAndIdentity() {
        Failure f1 = new Failure("transform", 1, FailureKind.RETRYABLE, "first", null, null, FAILED_AT);
        Envelope failed = sample().withFailure(f1);
        ObjectNode mapped = Json.MAPPER.createObjectNode().put("customer_id", "c-1");
        Envelope.SourceInfo newSource = new Envelope.SourceInfo("fetch-request", "d-1", RECEIVED, false);

        Envelope next = failed.next(mapped, newSource);

        assertThat(next.attempt()).isZero();
        assertThat(next.failures()).containsExactly(f1);
        assertThat(next.payload()).isEqualTo(mapped);
        assertThat(next.source()).isEqualTo(newSource);
        assertThat(next.traceId()).isEqualTo("trace-1");
        assertThat(next.idempotencyKey()).isEqualTo("c-1@2026");
        assertThat(next.recordId()).isEqualTo("c-1");
        assertThat(next.version()).isEqualTo(Envelope.CURRENT_VERSION);
    }

    @Test
    void failuresListIsImmutable() {
        Envelope e = sample().withFailure(new Failure("x", 1, FailureKind.RETRYABLE, "r", null, null, FAILED_AT));
        List<Failure> failures = e.failures();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> failures.add(null))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void withIdempotencyKeyChangesOnlyTheKey() {
        Envelope e = sample().withIdempotencyKey("other");
        assertThat(e.idempotencyKey()).isEqualTo("other");
        assertThat(e).isEqualTo(sample().withIdempotencyKey("other"));
        assertThat(e.recordId()).isEqualTo("c-1");
    }
}
