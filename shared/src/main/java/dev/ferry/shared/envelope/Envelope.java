package dev.ferry.shared.envelope;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What travels between the steps: one record and everything needed to process, trace and repeat it
 * safely. {@code version} lets a newer function read messages an older one wrote.
 *
 * @param version        envelope format version, {@link #CURRENT_VERSION}
 * @param integration    the integration spec's name
 * @param recordId       the record's id at the source
 * @param idempotencyKey what makes a repeated delivery of the same record version a no-op
 * @param traceId        follows the record through every step and log line; a new one is 32 hex digits, the W3C
 *                       trace id sent in {@code traceparent} on every call made for the record
 * @param attempt        attempts already made at the step this message is queued for (0 when fresh)
 * @param source         where and how the record entered Ferry
 * @param payload        the record: as received at fetch/transform, as mapped at deliver
 * @param failures       every failed attempt so far, oldest first
 * @param sourcePayload  the record as it came from the source, kept after transform so that a dead
 *                       letter can be replayed through a fixed mapping (absent before transform)
 */
public record Envelope(int version, String integration, String recordId, String idempotencyKey, String traceId,
                       int attempt, SourceInfo source, JsonNode payload, List<Failure> failures, JsonNode sourcePayload) {

    public static final int CURRENT_VERSION = 1;

    public Envelope {
        failures = failures == null ? List.of() : List.copyOf(failures);
    }

    public Envelope(int version, String integration, String recordId, String idempotencyKey, String traceId,
                    int attempt, SourceInfo source, JsonNode payload, List<Failure> failures) {
        this(version, integration, recordId, idempotencyKey, traceId, attempt, source, payload, failures, null);
    }

    /**
     * @param trigger    webhook, schedule or fetch-request
     * @param deliveryId the provider's delivery id (webhooks)
     * @param receivedAt when Ferry first saw the record
     * @param thin       true when the payload only names the record and fetch must get it
     */
    public record SourceInfo(String trigger, String deliveryId, Instant receivedAt, boolean thin) {
    }

    public static Envelope fresh(String integration, String recordId, String idempotencyKey, String traceId,
                                 SourceInfo source, JsonNode payload) {
        return new Envelope(CURRENT_VERSION, integration, recordId, idempotencyKey,
                traceId == null ? UUID.randomUUID().toString().replace("-", "") : traceId, 0, source, payload, List.of());
    }

    /** The same record, handed to the next step with a new payload and a fresh attempt count. */
    public Envelope next(JsonNode newPayload, SourceInfo newSource) {
        return new Envelope(CURRENT_VERSION, integration, recordId, idempotencyKey, traceId, 0, newSource, newPayload,
                failures, sourcePayload);
    }

    /** After transform: the mapped record, keeping the source record for replay. */
    public Envelope mapped(JsonNode mappedPayload) {
        return new Envelope(CURRENT_VERSION, integration, recordId, idempotencyKey, traceId, 0, source, mappedPayload,
                failures, payload);
    }

    /** Back to the start of a step (replay): the given payload, attempts reset, history kept. */
    public Envelope replayed(JsonNode newPayload) {
        return new Envelope(CURRENT_VERSION, integration, recordId, idempotencyKey, traceId, 0, source, newPayload,
                failures, null);
    }

    /** Handed back without spending an attempt (throttled, circuit open); the reason is still kept. */
    public Envelope withDeferral(Failure failure) {
        List<Failure> all = new ArrayList<>(failures);
        all.add(failure);
        return new Envelope(version, integration, recordId, idempotencyKey, traceId, attempt, source, payload, all,
                sourcePayload);
    }

    public Envelope withFailure(Failure failure) {
        List<Failure> all = new ArrayList<>(failures);
        all.add(failure);
        return new Envelope(version, integration, recordId, idempotencyKey, traceId, attempt + 1, source, payload, all,
                sourcePayload);
    }

    public Envelope withIdempotencyKey(String key) {
        return new Envelope(version, integration, recordId, key, traceId, attempt, source, payload, failures, sourcePayload);
    }
}
