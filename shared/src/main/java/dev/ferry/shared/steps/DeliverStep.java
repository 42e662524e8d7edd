package dev.ferry.shared.steps;

import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.http.OutboundAuth;
import dev.ferry.shared.http.StepFailure;
import dev.ferry.shared.idempotency.IdempotencyStore;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.lambda.SqsBatchResponse;
import dev.ferry.shared.lambda.SqsEvent;
import dev.ferry.shared.queue.QueueSender;
import dev.ferry.shared.resilience.ResilientCalls;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import org.jboss.logging.Logger;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The deliver step: sends each mapped record to the destination, exactly once in effect. The record's
 * idempotency key is claimed in DynamoDB before the call and completed after it, so a redelivered
 * message is a no-op; the same key goes out as an {@code Idempotency-Key} header for APIs that honour it.
 */
public final class DeliverStep {

    private static final Logger LOG = Logger.getLogger(DeliverStep.class);
    public static final String STEP = "deliver";
    /** How soon a duplicate that found the key leased looks again. */
    static final int BUSY_RECHECK_SECONDS = 30;

    private final IntegrationRegistry integrations;
    private final IdempotencyStore idempotency;
    private final HttpCaller http;
    private final ResilientCalls resilience;
    private final OutboundAuth auth;
    private final SqsBatchRunner runner;
    private final Clock clock;

    public DeliverStep(IntegrationRegistry integrations, IdempotencyStore idempotency, HttpCaller http,
                       ResilientCalls resilience, OutboundAuth auth, QueueSender sender, FerryConfig config, Clock clock) {
        this.integrations = integrations;
        this.idempotency = idempotency;
        this.http = http;
        this.resilience = resilience;
        this.auth = auth;
        this.clock = clock;
        this.runner = new SqsBatchRunner(STEP, sender, config.queueUrl(FerryConfig.Queue.DELIVER),
                config.queueUrl(FerryConfig.Queue.DELIVER_DLQ), config.maxAttempts(), config.retryBaseDelaySeconds(), clock);
    }

    public SqsBatchResponse handle(SqsEvent event) {
        return runner.run(event, this::deliver);
    }

    private void deliver(Envelope envelope) {
        IntegrationSpec spec = integrations.require(envelope.integration());
        if (envelope.idempotencyKey() == null) {
            throw StepFailure.permanent("record " + envelope.recordId() + " has no idempotency key");
        }
        resilience.unreserve();
        resilience.reserve(destinationApi(spec), spec.limits().destination()); // wait for budget before claiming
        IdempotencyStore.Claim claim = idempotency.claim(spec.name(), STEP, envelope.idempotencyKey());
        if (!(claim instanceof IdempotencyStore.Claim.Acquired)) {
            resilience.unreserve();
        }
        switch (claim) {
            case IdempotencyStore.Claim.AlreadyDone done -> {
                LOG.infof("deliver %s: record %s (%s) was already delivered; skipped [trace %s]", spec.name(),
                        envelope.recordId(), envelope.idempotencyKey(), envelope.traceId());
                return;
            }
            case IdempotencyStore.Claim.Busy busy -> {
                // A duplicate of a message another worker is on (e.g. redelivered after its visibility ran out):
                // look again soon — the other worker usually finishes within seconds — without spending an attempt.
                long wait = Math.max(1, Duration.between(clock.instant(), busy.leaseExpires()).toSeconds() + 1);
                throw StepFailure.retryable("another worker is delivering " + envelope.idempotencyKey()
                        + " (lease until " + busy.leaseExpires() + ")").retryAfterSeconds((int) Math.min(wait, BUSY_RECHECK_SECONDS))
                        .deferred();
            }
            case IdempotencyStore.Claim.Acquired acquired -> send(spec, envelope, acquired);
        }
    }

    /** The name of the destination's shared budget and circuit. */
    static String destinationApi(IntegrationSpec spec) {
        return ResilientCalls.apiName(spec.limits().destination(), spec.name(), "destination");
    }

    private void send(IntegrationSpec spec, Envelope envelope, IdempotencyStore.Claim.Acquired claim) {
        IntegrationSpec.Destination destination = spec.destination();
        String url = destination.url().replace("{recordId}", URLEncoder.encode(envelope.recordId(), StandardCharsets.UTF_8));
        Map<String, String> headers = new HashMap<>(destination.headers());
        headers.put("Content-Type", "application/json");
        headers.put("Idempotency-Key", spec.name() + ":" + envelope.idempotencyKey());
        headers.put("X-Ferry-Trace-Id", envelope.traceId());
        HttpCaller.Response response;
        try {
            byte[] body = Json.writeBytes(envelope.payload());
            String api = destinationApi(spec);
            var limits = spec.limits().destination();
            response = resilience.callAndObserve(api, limits, () -> auth.send(http, destination.auth(),
                    destination.method().toUpperCase(Locale.ROOT), url, headers, body));
        } catch (RuntimeException e) {
            idempotency.release(claim); // a rejected credential was already dropped by auth.send
            throw e;
        }
        if (!idempotency.complete(claim, IdempotencyKeys.digest(response.status() + " " + response.body()))) {
            LOG.warnf("deliver %s: record %s delivered, but its lease had expired meanwhile [trace %s]", spec.name(),
                    envelope.recordId(), envelope.traceId());
        }
        LOG.infof("deliver %s: record %s delivered, %s %s answered %d [trace %s]", spec.name(), envelope.recordId(),
                destination.method(), HttpCaller.redactQuery(url), response.status(), envelope.traceId());
    }
}
