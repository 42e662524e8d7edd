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
 * @param traceId        follows the record through every step and log line
 * @param attempt        attempts already made at the step this message is queued for (0 when fresh)
 * @param source         where and how the record entered Ferry
 * @param payload        the record: as received at fetch/transform, as mapped at deliver
 * @param failures       every failed attempt so far, oldest first
 */
public record Envelope(int version, String integration, String recordId, String idempotencyKey, String traceId,
                       int attempt, SourceInfo source, JsonNode payload, List<Failure> failures) {

    public static final int CURRENT_VERSION = 1;

    public Envelope {
        failures = failures == null ? List.of() : List.copyOf(failures);
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
                traceId == null ? UUID.randomUUID().toString() : traceId, 0, source, payload, List.of());
    }

    /** The same record, handed to the next step with a new payload and a fresh attempt count. */
    public Envelope next(JsonNode newPayload, SourceInfo newSource) {
        return new Envelope(CURRENT_VERSION, integration, recordId, idempotencyKey, traceId, 0, newSource, newPayload,
                failures);
    }

    public Envelope withFailure(Failure failure) {
        List<Failure> all = new ArrayList<>(failures);
        all.add(failure);
        return new Envelope(version, integration, recordId, idempotencyKey, traceId, attempt + 1, source, payload, all);
    }

    public Envelope withIdempotencyKey(String key) {
        return new Envelope(version, integration, recordId, key, traceId, attempt, source, payload, failures);
    }
}
