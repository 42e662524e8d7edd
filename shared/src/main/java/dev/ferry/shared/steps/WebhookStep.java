package dev.ferry.shared.steps;

import dev.ferry.shared.idempotency.IdempotencyKeys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.api.Traceparent;
import dev.ferry.shared.auth.WebhookVerifier;
import dev.ferry.shared.config.ConfigurationException;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.idempotency.IdempotencyStore;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.lambda.HttpApiResponse;
import dev.ferry.shared.lambda.Invocation;
import dev.ferry.shared.metrics.RecordEvent;
import dev.ferry.shared.metrics.StepMetrics;
import dev.ferry.shared.lambda.InboundRequest;
import dev.ferry.shared.queue.QueueSender;
import dev.ferry.shared.queue.RecordTooLargeException;
import dev.ferry.shared.secrets.SecretsProvider;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.SdkException;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The webhook step: {@code POST /webhooks/{integration}} -> verify the signature over the raw body ->
 * drop redeliveries by the provider's delivery id -> queue the record (to transform) or the thin event
 * (to fetch) -> 202. Bad input gets a 4xx with a reason; only our own trouble is a 5xx.
 */
public final class WebhookStep {

    private static final Logger LOG = Logger.getLogger(WebhookStep.class);
    private static final Pattern PATH = Pattern.compile("^/webhooks/([^/]+)/?$");
    public static final String STEP = "webhook";
    /** Longest delivery id accepted: it is part of a DynamoDB key (2048 bytes at most, with the integration's name). */
    public static final int MAX_DELIVERY_ID_CHARS = 256;
    /** Longest record id accepted: it is part of every later step's idempotency key. */
    public static final int MAX_RECORD_ID_CHARS = 512;

    private final IntegrationRegistry integrations;
    private final SecretsProvider secrets;
    private final IdempotencyStore idempotency;
    private final QueueSender sender;
    private final FerryConfig config;
    private final Clock clock;

    public WebhookStep(IntegrationRegistry integrations, SecretsProvider secrets, IdempotencyStore idempotency,
                       QueueSender sender, FerryConfig config, Clock clock) {
        this.integrations = integrations;
        this.secrets = secrets;
        this.idempotency = idempotency;
        this.sender = sender;
        this.config = config;
        this.clock = clock;
    }

    /**
     * The raw event bytes as Lambda (or the local runner) delivers them: one strict JSON document (else 400), then as
     * {@link #handle(JsonNode)}. Never throws.
     */
    public HttpApiResponse handleEvent(byte[] eventJson) {
        return safely(() -> {
            JsonNode event;
            try {
                event = Json.parseStrict(eventJson);
            } catch (Json.MalformedJsonException e) {
                return counted(StepMetrics.UNKNOWN_INTEGRATION,
                        HttpApiResponse.error(400, "not an HTTP API or Function URL event: " + e.getMessage()));
            }
            return read(event);
        });
    }

    /**
     * An HTTP API / Function URL event: its shape is checked into an {@link InboundRequest} (or refused with a 4xx),
     * then handled. Never throws (see {@link #safely}).
     */
    public HttpApiResponse handle(JsonNode event) {
        return safely(() -> read(event));
    }

    private HttpApiResponse read(JsonNode event) {
        return switch (InboundRequest.read(event)) {
            case InboundRequest.Refused refused -> counted(StepMetrics.UNKNOWN_INTEGRATION,
                    HttpApiResponse.error(refused.status(), refused.reason()));
            case InboundRequest.Ok ok -> handle(ok.request());
        };
    }

    /**
     * The last resort, for what the checks above do not expect: AWS trouble is a 503 (the sender retries, which is
     * right: the record is not queued), anything else a bug, answered 500 with a reference to the log line. Neither
     * answer nor log quotes an exception's message, which could hold a secret or the body.
     */
    private static HttpApiResponse safely(java.util.function.Supplier<HttpApiResponse> work) {
        try {
            return work.get();
        } catch (SdkException e) {
            String reference = UUID.randomUUID().toString();
            LOG.errorf("webhook: AWS call failed (%s) [reference %s]", e.getClass().getSimpleName(), reference);
            return HttpApiResponse.error(503, "Ferry cannot accept webhooks right now; retry later (reference " + reference + ")");
        } catch (RuntimeException | StackOverflowError e) {
            String reference = UUID.randomUUID().toString();
            StackTraceElement[] at = e.getStackTrace();
            LOG.errorf("webhook: unexpected %s at %s [reference %s]", e.getClass().getName(), at.length == 0 ? "?" : at[0], reference);
            return HttpApiResponse.error(500, "Ferry failed on this request (reference " + reference + ")");
        }
    }

    /**
     * A request whose shape is checked; bad input gets a 4xx with a reason, only our own trouble a 5xx. Every answer is
     * counted: accepted, a duplicate, or rejected by reason, under the integration's name when Ferry has it.
     */
    public HttpApiResponse handle(InboundRequest request) {
        HttpApiResponse response = answer(request);
        String name = integrationName(request);
        return counted(name != null && integrations.find(name).isPresent() ? name : StepMetrics.UNKNOWN_INTEGRATION, response);
    }

    /** Records what became of one webhook (see {@link StepMetrics.Rejection}) and answers it unchanged. */
    private static HttpApiResponse counted(String integration, HttpApiResponse response) {
        StepMetrics metrics = Invocation.current().metrics();
        int status = response.statusCode();
        switch (status) {
            case 202 -> metrics.webhookAccepted(integration);
            case 200 -> metrics.duplicate(integration, STEP);
            case 401 -> metrics.webhookRejected(integration, StepMetrics.Rejection.SIGNATURE);
            case 413 -> metrics.webhookRejected(integration, StepMetrics.Rejection.SIZE);
            case 404 -> metrics.webhookRejected(integration, StepMetrics.Rejection.UNKNOWN_INTEGRATION);
            case 409 -> metrics.webhookRejected(integration, StepMetrics.Rejection.UNAVAILABLE); // being accepted right now
            default -> metrics.webhookRejected(integration, status >= 500 ? StepMetrics.Rejection.UNAVAILABLE
                    : StepMetrics.Rejection.BAD_REQUEST);
        }
        return response;
    }

    private HttpApiResponse answer(InboundRequest request) {
        if (!"POST".equalsIgnoreCase(request.method())) {
            return HttpApiResponse.error(405, "webhooks must be sent with POST");
        }
        String name = integrationName(request);
        if (name == null) {
            return HttpApiResponse.error(404, "no such route: webhooks are posted to /webhooks/{integration}");
        }
        IntegrationSpec spec = integrations.find(name).orElse(null);
        if (spec == null) {
            return HttpApiResponse.error(404, "unknown integration " + InboundRequest.shown(name));
        }
        if (spec.webhook() == null) {
            return HttpApiResponse.error(404, "integration '" + name + "' does not accept webhooks");
        }
        byte[] body = request.body();
        int limit = spec.limits().maxBodyBytes() != null ? spec.limits().maxBodyBytes() : config.webhookMaxBodyBytes();
        if (body.length > limit) {
            return HttpApiResponse.error(413, "body is " + body.length + " bytes; the limit for '" + name + "' is " + limit);
        }
        IntegrationSpec.Webhook webhook = spec.webhook();
        List<String> keys;
        try {
            keys = secrets.currentAndPrevious(webhook.signature().secret(),
                    webhook.signature().field() == null ? "key" : webhook.signature().field());
        } catch (ConfigurationException | SdkException e) {
            LOG.errorf("webhook %s: cannot verify signatures: %s", name, e instanceof ConfigurationException
                    ? e.getMessage() : "Secrets Manager failed (" + e.getClass().getSimpleName() + ")");
            return HttpApiResponse.error(503, "integration '" + name + "' cannot verify signatures right now");
        }
        WebhookVerifier.Result verdict;
        try {
            verdict = new WebhookVerifier(clock).verify(webhook, request::header, body, keys);
        } catch (ConfigurationException e) {
            LOG.errorf("webhook %s: cannot verify signatures: secret '%s': %s", name, webhook.signature().secret(), e.getMessage());
            return HttpApiResponse.error(503, "integration '" + name + "' cannot verify signatures right now");
        }
        if (verdict instanceof WebhookVerifier.Rejected rejected) {
            return HttpApiResponse.error(401, rejected.reason());
        }
        String deliveryId = ((WebhookVerifier.Verified) verdict).deliveryId();
        // Strict JSON (Json.parseStrict): one document, nothing after it, valid UTF-8, no duplicate keys. A signed body
        // that is anything else is refused: which of two documents, or of two values of a key, would be the record?
        JsonNode payload;
        try {
            payload = Json.parseStrict(body);
        } catch (Json.MalformedJsonException e) {
            return HttpApiResponse.error(400, "body is not valid JSON: " + e.getMessage());
        }
        if (!payload.isObject()) {
            return HttpApiResponse.error(400, "body must be a JSON object");
        }
        if (deliveryId == null || deliveryId.isBlank()) {
            return HttpApiResponse.error(400, "missing delivery id (" + deliveryIdSource(webhook) + ")");
        }
        String badId = checkId(deliveryId, MAX_DELIVERY_ID_CHARS);
        if (badId != null) {
            return HttpApiResponse.error(400, "delivery id (" + deliveryIdSource(webhook) + ") " + badId);
        }
        String recordId = Json.textAt(payload, spec.source().recordId());
        if (recordId == null || recordId.isBlank()) {
            return HttpApiResponse.error(400, "body has no record id at " + spec.source().recordId());
        }
        String badRecordId = checkId(recordId, MAX_RECORD_ID_CHARS);
        if (badRecordId != null) {
            return HttpApiResponse.error(400, "record id at " + spec.source().recordId() + " " + badRecordId);
        }
        return accept(spec, request, payload, deliveryId, recordId);
    }

    private static String deliveryIdSource(IntegrationSpec.Webhook webhook) {
        return webhook.deliveryIdHeader() != null ? "header " + webhook.deliveryIdHeader()
                : "the " + webhook.signature().schemeOrDefault() + " delivery id";
    }

    /**
     * Null when the id can be a key (DynamoDB keys are at most 2048 bytes; ids travel in logs and queues), else why
     * not: too long, a control character, or a lone surrogate (no UTF-8 form, so two ids could become one key).
     */
    static String checkId(String id, int maxChars) {
        if (id.length() > maxChars) {
            return "is " + id.length() + " characters long; at most " + maxChars + " are accepted";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c)) {
                return "holds a control character (U+" + String.format("%04X", (int) c) + ") at " + i;
            }
            if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "holds a lone surrogate at " + i + " (not valid Unicode)";
            }
        }
        return null;
    }

    private HttpApiResponse accept(IntegrationSpec spec, InboundRequest request, JsonNode payload, String deliveryId,
                                   String recordId) {
        IdempotencyStore.Claim claim;
        try {
            claim = idempotency.claim(spec.name(), STEP, deliveryId);
        } catch (SdkException e) {
            LOG.errorf("webhook %s: delivery %s: the idempotency table failed (%s)", spec.name(), deliveryId, e.getClass().getSimpleName());
            return HttpApiResponse.error(503, "could not check the delivery id; retry later");
        }
        if (claim instanceof IdempotencyStore.Claim.AlreadyDone) {
            LOG.infof("webhook %s: delivery %s was already accepted; nothing queued", spec.name(), deliveryId);
            return response(200, "duplicate", recordId, null);
        }
        if (claim instanceof IdempotencyStore.Claim.Busy) {
            return HttpApiResponse.error(409, "delivery " + deliveryId + " is being accepted right now; retry later");
        }
        IdempotencyStore.Claim.Acquired acquired = (IdempotencyStore.Claim.Acquired) claim;
        boolean thin = spec.webhook().thin();
        String traceId = traceId(request);
        Envelope envelope = Envelope.fresh(spec.name(), recordId,
                thin ? null : IdempotencyKeys.forRecord(spec, recordId, payload), traceId,
                new Envelope.SourceInfo(STEP, deliveryId, clock.instant(), thin), payload);
        try {
            sender.send(config.queueUrl(thin ? FerryConfig.Queue.FETCH : FerryConfig.Queue.TRANSFORM), envelope, 0);
        } catch (RecordTooLargeException e) {
            release(acquired);
            return HttpApiResponse.error(413, e.getMessage());
        } catch (RuntimeException e) {
            release(acquired);
            LOG.errorf("webhook %s: delivery %s could not be queued (%s: %s) [trace %s]", spec.name(), deliveryId,
                    e.getClass().getSimpleName(), e.getMessage(), envelope.traceId());
            return HttpApiResponse.error(503, "could not queue the record; retry later");
        }
        try {
            idempotency.complete(acquired, envelope.traceId());
        } catch (SdkException e) {
            // The record is queued: that is the answer. A redelivery after the lease is queued again, and deliver's
            // idempotency key keeps it from being delivered twice.
            LOG.warnf("webhook %s: delivery %s queued but not marked done (%s) [trace %s]", spec.name(), deliveryId,
                    e.getClass().getSimpleName(), envelope.traceId());
        }
        Invocation.current().metrics().seen(STEP, envelope, RecordEvent.Outcome.ACCEPTED, 1, "delivery " + deliveryId
                + (thin ? ", queued for fetch" : ", queued for transform"));
        LOG.infof("webhook %s: delivery %s accepted record %s (%s) [trace %s]", spec.name(), deliveryId, recordId,
                thin ? "thin, to fetch" : "to transform", envelope.traceId());
        return response(202, "accepted", recordId, envelope.traceId());
    }

    /** Gives the claim back; if that fails too, the lease lapses on its own and a redelivery can claim it then. */
    private void release(IdempotencyStore.Claim.Acquired acquired) {
        try {
            idempotency.release(acquired);
        } catch (SdkException e) {
            LOG.warnf("webhook: could not release claim %s (%s); it lapses with its lease", acquired.key(),
                    e.getClass().getSimpleName());
        }
    }

    private static HttpApiResponse response(int status, String state, String recordId, String traceId) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("status", state);
        body.put("recordId", recordId);
        if (traceId != null) {
            body.put("traceId", traceId);
        }
        return HttpApiResponse.json(status, body);
    }

    private static String integrationName(InboundRequest request) {
        if (request.integration() != null) {
            return request.integration();
        }
        String path = request.path();
        if (path == null) {
            return null;
        }
        Matcher m = PATH.matcher(path);
        return m.matches() ? m.group(1) : null;
    }

    /** W3C traceparent's trace id when the sender gave a valid one (the sender's trace goes on), else a new one. */
    private static String traceId(InboundRequest request) {
        String sent = Traceparent.traceId(request.header(Traceparent.HEADER));
        return sent != null ? sent : Traceparent.newTraceId();
    }
}
