package dev.ferry.shared.steps;

import dev.ferry.shared.idempotency.IdempotencyKeys;
import dev.ferry.shared.api.ApiClient;
import dev.ferry.shared.api.ApiClients;
import dev.ferry.shared.api.ApiRequest;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.resilience.ResilientCalls.Permit;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.idempotency.IdempotencyStore;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.json.Numbers;
import dev.ferry.shared.lambda.Invocation;
import dev.ferry.shared.metrics.RecordEvent;
import dev.ferry.shared.lambda.SqsBatchResponse;
import dev.ferry.shared.lambda.SqsEvent;
import dev.ferry.shared.queue.QueueSender;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import org.jboss.logging.Logger;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deliver step: sends each mapped record to the destination, exactly once in effect. The record's
 * idempotency key is claimed in DynamoDB before the call and completed after it, so a redelivered
 * message is a no-op; the same key goes out as an {@code Idempotency-Key} header for APIs that honour it.
 *
 * <p>Integrations with {@code destination.batch} send their records of one SQS batch to a bulk endpoint,
 * {@code batch.size} per request: each record is still claimed on its own, the request spends one token of the
 * rate budget, and the answer's per-item results decide which records are done and which fail (see
 * {@link BulkRequests}).
 */
public final class DeliverStep {

    private static final Logger LOG = Logger.getLogger(DeliverStep.class);
    public static final String STEP = "deliver";
    /** How soon a duplicate that found the key leased looks again. */
    static final int BUSY_RECHECK_SECONDS = 30;
    /** Time kept free at the end of an invocation for handing records back. */
    static final long TIME_MARGIN_MS = 2_000;

    private final IntegrationRegistry integrations;
    private final IdempotencyStore idempotency;
    private final ApiClients apis;
    private final SqsBatchRunner runner;
    private final Clock clock;

    public DeliverStep(IntegrationRegistry integrations, IdempotencyStore idempotency, ApiClients apis, QueueSender sender,
                       FerryConfig config, Clock clock) {
        this.integrations = integrations;
        this.idempotency = idempotency;
        this.apis = apis;
        this.clock = clock;
        this.runner = new SqsBatchRunner(STEP, sender, config.queueUrl(FerryConfig.Queue.DELIVER),
                config.queueUrl(FerryConfig.Queue.DELIVER_DLQ), config.maxAttempts(), config.retryBaseDelaySeconds(), clock);
    }

    public SqsBatchResponse handle(SqsEvent event) {
        return runner.runGrouped(event, this::deliverAll);
    }

    /**
     * Records of integrations with {@code destination.batch} go out in bulk requests, per integration; every other
     * record alone, as before. One outcome per record, in the order given.
     */
    private List<SqsBatchRunner.Outcome> deliverAll(List<Envelope> envelopes) {
        SqsBatchRunner.Outcome[] outcomes = new SqsBatchRunner.Outcome[envelopes.size()];
        Map<String, List<Integer>> bulk = new LinkedHashMap<>();
        for (int i = 0; i < envelopes.size(); i++) {
            Envelope envelope = envelopes.get(i);
            try (var ignored = SqsBatchRunner.recordContext(STEP, envelope)) {
                IntegrationSpec spec = integrations.require(envelope.integration());
                if (spec.destination().batch() != null) {
                    bulk.computeIfAbsent(spec.name(), k -> new ArrayList<>()).add(i);
                    continue;
                }
                deliver(spec, envelope);
                outcomes[i] = SqsBatchRunner.Outcome.DONE;
            } catch (RuntimeException e) {
                outcomes[i] = SqsBatchRunner.Outcome.failed(e);
            }
        }
        for (List<Integer> group : bulk.values()) {
            IntegrationSpec spec = integrations.require(envelopes.get(group.getFirst()).integration());
            new BulkDelivery(spec, group, envelopes, outcomes).run();
        }
        return Arrays.asList(outcomes);
    }

    /** Defers the record when the invocation could end during its call (then nothing would say what happened). */
    private static void checkTimeLeft(ApiClient destination) {
        long needed = destination.timeoutMs() + TIME_MARGIN_MS;
        if (Invocation.current().remainingMillis() < needed) {
            throw StepFailure.retryable("too little of this invocation is left for a call to " + destination.name()
                    + " (" + Math.max(0, Invocation.current().remainingMillis()) + " ms)").retryAfterSeconds(1).deferred();
        }
    }

    private void deliver(IntegrationSpec spec, Envelope envelope) {
        if (envelope.idempotencyKey() == null) {
            throw StepFailure.permanent("record " + envelope.recordId() + " has no idempotency key");
        }
        ApiClient destination = apis.destination(spec);
        checkTimeLeft(destination);
        Permit permit = destination.reserve(); // wait for budget before claiming; dropped unspent if the record is done
        switch (idempotency.claim(spec.name(), STEP, envelope.idempotencyKey())) {
            case IdempotencyStore.Claim.AlreadyDone done -> skipped(spec, envelope);
            case IdempotencyStore.Claim.Busy busy -> throw busy(envelope, busy);
            case IdempotencyStore.Claim.Acquired acquired -> send(spec, destination, permit, envelope, acquired);
        }
    }

    private static void skipped(IntegrationSpec spec, Envelope envelope) {
        Invocation.current().metrics().duplicate(spec.name(), STEP);
        Invocation.current().metrics().seen(STEP, envelope, RecordEvent.Outcome.DUPLICATE, envelope.attempt() + 1, "already delivered; skipped");
        LOG.infof("deliver %s: record %s (%s) was already delivered; skipped [trace %s]", spec.name(),
                envelope.recordId(), envelope.idempotencyKey(), envelope.traceId());
    }

    /**
     * A duplicate of a message another worker is on (e.g. redelivered after its visibility ran out): look again
     * soon — the other worker usually finishes within seconds — without spending an attempt.
     */
    private StepFailure busy(Envelope envelope, IdempotencyStore.Claim.Busy busy) {
        long wait = Math.max(1, Duration.between(clock.instant(), busy.leaseExpires()).toSeconds() + 1);
        return StepFailure.retryable("another worker is delivering " + envelope.idempotencyKey()
                + " (lease until " + busy.leaseExpires() + ")").retryAfterSeconds((int) Math.min(wait, BUSY_RECHECK_SECONDS))
                .deferred();
    }

    private void send(IntegrationSpec spec, ApiClient client, Permit permit, Envelope envelope, IdempotencyStore.Claim.Acquired claim) {
        IntegrationSpec.Destination destination = spec.destination();
        String url = destination.url().replace("{recordId}", URLEncoder.encode(envelope.recordId(), StandardCharsets.UTF_8));
        HttpCaller.Response response;
        try {
            byte[] body = Numbers.writeExact(envelope.payload()); // every number in the digits it arrived with
            ApiRequest request = ApiRequest.json(destination.method().name(), url, destination.headers(), body)
                    .withHeader("Idempotency-Key", spec.name() + ":" + envelope.idempotencyKey())
                    .withHeader("X-Ferry-Trace-Id", envelope.traceId())
                    .withTrace(envelope.traceId());
            response = client.send(permit, request);
        } catch (RuntimeException e) {
            idempotency.release(claim); // a rejected credential was already dropped by auth.send
            throw e;
        }
        if (!idempotency.complete(claim, IdempotencyKeys.digest(response.status() + " " + response.body()))) {
            LOG.warnf("deliver %s: record %s delivered after its lease had expired (recorded as delivered unless another"
                    + " worker was first) [trace %s]", spec.name(),
                    envelope.recordId(), envelope.traceId());
        }
        Invocation.current().metrics().delivered(spec.name(), STEP);
        Invocation.current().metrics().seen(STEP, envelope, RecordEvent.Outcome.DELIVERED, envelope.attempt() + 1,
                destination.method() + " " + HttpCaller.redactQuery(url) + " answered " + response.status());
        LOG.infof("deliver %s: record %s delivered, %s %s answered %d [trace %s]", spec.name(), envelope.recordId(),
                destination.method(), HttpCaller.redactQuery(url), response.status(), envelope.traceId());
    }

    /** One integration's records of this SQS batch, sent {@code batch.size} at a time to the bulk endpoint. */
    private final class BulkDelivery {

        private record Member(int index, Envelope envelope, IdempotencyStore.Claim.Acquired claim) {
        }

        private final IntegrationSpec spec;
        private final IntegrationSpec.Batch batch;
        private final ApiClient client;
        private final Deque<Integer> pending;
        private final List<Envelope> envelopes;
        private final SqsBatchRunner.Outcome[] outcomes;

        BulkDelivery(IntegrationSpec spec, List<Integer> indices, List<Envelope> envelopes, SqsBatchRunner.Outcome[] outcomes) {
            this.spec = spec;
            this.batch = spec.destination().batch();
            this.client = apis.destination(spec);
            this.envelopes = envelopes;
            this.outcomes = outcomes;
            this.pending = new ArrayDeque<>();
            // The same record twice in one SQS batch (at-least-once delivery, a re-drive): the second copy would find
            // the first's claim and wait a lease check; it is the same record version, so it goes with the first.
            Map<String, Envelope> firstByKey = new HashMap<>();
            for (int i : indices) {
                Envelope envelope = envelopes.get(i);
                Envelope first = envelope.idempotencyKey() == null ? null : firstByKey.putIfAbsent(envelope.idempotencyKey(), envelope);
                if (first == null) {
                    pending.add(i);
                    continue;
                }
                try (var ignored = SqsBatchRunner.recordContext(STEP, envelope)) {
                    LOG.infof("deliver %s: record %s (%s) came twice in this batch; the copy is dropped, the first goes on"
                            + " [trace %s]", spec.name(), envelope.recordId(), envelope.idempotencyKey(), envelope.traceId());
                }
                Invocation.current().metrics().duplicate(spec.name(), STEP);
                Invocation.current().metrics().seen(STEP, envelope, RecordEvent.Outcome.DUPLICATE, envelope.attempt() + 1,
                        "came twice in one batch; the copy is dropped");
                outcomes[i] = SqsBatchRunner.Outcome.DONE;
            }
        }

        void run() {
            while (!pending.isEmpty()) {
                Permit permit;
                try {
                    checkTimeLeft(client);
                    permit = client.reserve(); // one token per request, taken before any claim
                } catch (RuntimeException e) {
                    // The budget is spent (or the invocation is ending): every record not yet claimed waits.
                    while (!pending.isEmpty()) {
                        outcomes[pending.poll()] = SqsBatchRunner.Outcome.failed(e);
                    }
                    return;
                }
                List<Member> chunk = claimChunk();
                if (!chunk.isEmpty()) { // else every record was done or busy: the permit is dropped unspent
                    send(permit, chunk);
                }
            }
        }

        /** Claims records one by one until the request is full: done ones are skipped, busy ones deferred. */
        private List<Member> claimChunk() {
            List<Member> chunk = new ArrayList<>();
            while (chunk.size() < batch.size() && !pending.isEmpty()) {
                int i = pending.poll();
                Envelope envelope = envelopes.get(i);
                try (var ignored = SqsBatchRunner.recordContext(STEP, envelope)) {
                    if (envelope.idempotencyKey() == null) {
                        throw StepFailure.permanent("record " + envelope.recordId() + " has no idempotency key");
                    }
                    switch (idempotency.claim(spec.name(), STEP, envelope.idempotencyKey())) {
                        case IdempotencyStore.Claim.AlreadyDone done -> {
                            skipped(spec, envelope);
                            outcomes[i] = SqsBatchRunner.Outcome.DONE;
                        }
                        case IdempotencyStore.Claim.Busy busy -> outcomes[i] = SqsBatchRunner.Outcome.failed(busy(envelope, busy));
                        case IdempotencyStore.Claim.Acquired acquired -> chunk.add(new Member(i, envelope, acquired));
                    }
                } catch (RuntimeException e) {
                    outcomes[i] = SqsBatchRunner.Outcome.failed(e);
                }
            }
            return chunk;
        }

        private void send(Permit permit, List<Member> chunk) {
            IntegrationSpec.Destination destination = spec.destination();
            String method = batch.methodOrDefault().name();
            String url = batch.url();
            String target = method + " " + HttpCaller.redactQuery(url);
            String requestKey = BulkRequests.idempotencyKey(spec.name(), chunk.stream().map(m -> m.envelope().idempotencyKey()).toList());
            HttpCaller.Response response;
            List<BulkRequests.ItemOutcome> items;
            try {
                byte[] body = Numbers.writeExact(BulkRequests.body(batch, chunk.stream().map(m -> m.envelope().payload()).toList()));
                // One request, many records: the key stands for exactly these records in this order. No X-Ferry-Trace-Id:
                // a trace id names one record; each record's log line names this request's key instead.
                response = client.send(permit, ApiRequest.json(method, url, destination.headers(), body).withHeader("Idempotency-Key", requestKey));
                items = BulkRequests.outcomes(batch, response, chunk.size(), target);
            } catch (RuntimeException e) {
                StepFailure failure = SqsBatchRunner.classify(e);
                String reason = failure.getMessage() + " (bulk request of " + chunk.size() + " records, Idempotency-Key " + requestKey + ")";
                LOG.warnf("deliver %s: %s; every record of it %s", spec.name(), reason,
                        failure.kind() == FailureKind.PERMANENT ? "is dead-lettered" : "goes back to the queue");
                for (Member m : chunk) {
                    release(m);
                    outcomes[m.index()] = SqsBatchRunner.Outcome.failed(failure.withReason(reason));
                }
                return;
            }
            int delivered = 0;
            for (int k = 0; k < chunk.size(); k++) {
                Member m = chunk.get(k);
                BulkRequests.ItemOutcome item = items.get(k);
                try (var ignored = SqsBatchRunner.recordContext(STEP, m.envelope())) {
                    if (!item.delivered()) {
                        release(m);
                        outcomes[m.index()] = SqsBatchRunner.Outcome.failed(item.failure());
                        continue;
                    }
                    String result = response.status() + " " + (item.result() == null ? response.body() : Json.write(item.result()));
                    if (!idempotency.complete(m.claim(), IdempotencyKeys.digest(result))) {
                        LOG.warnf("deliver %s: record %s delivered after its lease had expired (recorded as delivered unless"
                                + " another worker was first) [trace %s]", spec.name(),
                                m.envelope().recordId(), m.envelope().traceId());
                    }
                    LOG.infof("deliver %s: record %s delivered in a bulk request of %d, %s answered %d (Idempotency-Key %s) [trace %s]",
                            spec.name(), m.envelope().recordId(), chunk.size(), target, response.status(), requestKey,
                            m.envelope().traceId());
                    outcomes[m.index()] = SqsBatchRunner.Outcome.DONE;
                    Invocation.current().metrics().delivered(spec.name(), STEP);
                    Invocation.current().metrics().seen(STEP, m.envelope(), RecordEvent.Outcome.DELIVERED, m.envelope().attempt() + 1,
                            "in a bulk request of " + chunk.size() + ", " + target + " answered " + response.status());
                    delivered++;
                } catch (RuntimeException e) {
                    outcomes[m.index()] = SqsBatchRunner.Outcome.failed(e);
                }
            }
            LOG.infof("deliver %s: bulk request of %d records, %s answered %d: %d delivered, %d failed (Idempotency-Key %s)",
                    spec.name(), chunk.size(), target, response.status(), delivered, chunk.size() - delivered, requestKey);
        }

        /** Gives the key back for the record's retry; should that fail, the lease runs out by itself. */
        private void release(Member m) {
            try {
                idempotency.release(m.claim());
            } catch (RuntimeException e) {
                LOG.warnf("deliver %s: could not release the claim of record %s (%s); it lapses with its lease [trace %s]",
                        spec.name(), m.envelope().recordId(), e.getClass().getSimpleName(), m.envelope().traceId());
            }
        }
    }
}
