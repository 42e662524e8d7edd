package dev.ferry.shared.steps;

import dev.ferry.shared.idempotency.IdempotencyKeys;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.api.ApiClients;
import dev.ferry.shared.api.ApiRequest;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.lambda.Invocation;
import dev.ferry.shared.metrics.RecordEvent;
import dev.ferry.shared.lambda.ScheduledEvent;
import dev.ferry.shared.lambda.SqsBatchResponse;
import dev.ferry.shared.lambda.SqsEvent;
import dev.ferry.shared.poll.Checkpoint;
import dev.ferry.shared.poll.PollState;
import dev.ferry.shared.poll.ScheduledPoller;
import dev.ferry.shared.queue.QueueSender;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The fetch step: a schedule polls the source's list endpoint; a fetch request (a thin webhook) gets
 * one record by id. Records found are queued for transform, ten per SendMessageBatch call. Every call
 * to the source goes through its {@link dev.ferry.shared.api.ApiClient}.
 */
public final class FetchStep {

    private static final Logger LOG = Logger.getLogger(FetchStep.class);
    public static final String STEP = "fetch";

    private final IntegrationRegistry integrations;
    private final ApiClients apis;
    private final QueueSender sender;
    private final SqsBatchRunner runner;
    private final FerryConfig config;
    private final Clock clock;
    private final ScheduledPoller poller;

    public FetchStep(IntegrationRegistry integrations, ApiClients apis, QueueSender sender, FerryConfig config, Clock clock,
                     ScheduledPoller poller) {
        this.poller = poller;
        this.integrations = integrations;
        this.apis = apis;
        this.sender = sender;
        this.config = config;
        this.clock = clock;
        this.runner = new SqsBatchRunner(STEP, sender, config.queueUrl(FerryConfig.Queue.FETCH),
                config.queueUrl(FerryConfig.Queue.FETCH_DLQ), config.maxAttempts(), config.retryBaseDelaySeconds(), clock);
    }

    /** Polls one integration's source with no time limit; answers the records queued by this invocation. */
    public int poll(ScheduledEvent event) {
        return poll(event, Invocation.untimed()).queued();
    }

    /**
     * A scheduled run (see {@link ScheduledPoller}); a failure throws, so the scheduler's retry policy applies.
     *
     * @param invocation the invocation; the run hands over to a follow-up when its time runs low
     */
    public ScheduledPoller.Outcome poll(ScheduledEvent event, Invocation invocation) {
        String name = event.integration();
        if (name == null) {
            throw new IllegalArgumentException("scheduled event has no detail.integration: nothing to poll");
        }
        return poller.start(name, event.id(), invocation::remainingMillis);
    }

    /** Fetch requests from the fetch queue: one record each, by id. */
    public SqsBatchResponse fetchRequests(SqsEvent event) {
        return fetchRequests(event, Invocation.untimed());
    }

    /** Fetch requests, and continuations of scheduled runs that handed over (within the invocation's time). */
    public SqsBatchResponse fetchRequests(SqsEvent event, Invocation invocation) {
        return runner.run(event, request -> {
            if (request.source() != null && ScheduledPoller.CONTINUATION.equals(request.source().trigger())) {
                continueRun(request, invocation);
            } else {
                fetchOne(request);
            }
        });
    }

    private void continueRun(Envelope request, Invocation invocation) {
        Checkpoint checkpoint;
        try {
            checkpoint = Json.MAPPER.treeToValue(request.payload(), Checkpoint.class);
        } catch (IOException | IllegalArgumentException e) {
            throw StepFailure.permanent("continuation of " + request.integration() + " holds no readable checkpoint");
        }
        if (checkpoint == null || checkpoint.runId() == null || !request.integration().equals(checkpoint.integration())) {
            throw StepFailure.permanent("continuation of " + request.integration() + " holds no checkpoint for it");
        }
        try {
            poller.resume(checkpoint, invocation::remainingMillis);
        } catch (PollState.ConflictException e) {
            // Another run moved the cursor: repeating this one cannot succeed; the records it queued are deduplicated.
            throw StepFailure.permanent(e.getMessage());
        }
    }

    private void fetchOne(Envelope request) {
        IntegrationSpec spec = integrations.require(request.integration());
        if (spec.source().get() == null) {
            throw StepFailure.permanent("integration '" + spec.name() + "' has no source.get to fetch a record by id");
        }
        String url = spec.source().get().url().replace("{id}", URLEncoder.encode(request.recordId(), StandardCharsets.UTF_8));
        // Strict JSON (one document, valid UTF-8, no duplicate keys); a malformed 2xx is permanent, naming the record.
        JsonNode body = apis.source(spec).getJson(ApiRequest.get(url).withTrace(request.traceId()),
                "fetching record " + request.recordId() + " of '" + spec.name() + "'");
        JsonNode record = Json.at(body, spec.source().get().recordPath());
        if (record.isMissingNode() || !record.isObject()) {
            throw StepFailure.permanent("GET " + HttpCaller.redactQuery(url) + ": no record object at " + spec.source().get().recordPath());
        }
        Envelope fetched = request.next(record, new Envelope.SourceInfo(request.source() == null ? "fetch-request"
                        : request.source().trigger(), request.source() == null ? null : request.source().deliveryId(),
                        request.source() == null ? clock.instant() : request.source().receivedAt(), false))
                .withIdempotencyKey(IdempotencyKeys.forRecord(spec, request.recordId(), record));
        sender.send(config.queueUrl(FerryConfig.Queue.TRANSFORM), fetched, 0);
        Invocation.current().metrics().forwarded(spec.name(), STEP, 1);
        Invocation.current().metrics().seen(STEP, request, RecordEvent.Outcome.FORWARDED, request.attempt() + 1, "fetched, queued for transform");
        LOG.infof("fetch %s: record %s fetched, queued for transform [trace %s]", spec.name(), request.recordId(),
                request.traceId());
    }
}
