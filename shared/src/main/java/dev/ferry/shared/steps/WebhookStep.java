package dev.ferry.shared.steps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.auth.WebhookVerifier;
import dev.ferry.shared.config.ConfigurationException;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.idempotency.IdempotencyStore;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.lambda.HttpApiEvent;
import dev.ferry.shared.lambda.HttpApiResponse;
import dev.ferry.shared.queue.QueueSender;
import dev.ferry.shared.queue.RecordTooLargeException;
import dev.ferry.shared.secrets.SecretsProvider;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import org.jboss.logging.Logger;

import java.io.IOException;
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

    public HttpApiResponse handle(HttpApiEvent event) {
        if (!"POST".equalsIgnoreCase(event.method())) {
            return HttpApiResponse.error(405, "webhooks must be sent with POST");
        }
        String name = integrationName(event);
        if (name == null) {
            return HttpApiResponse.error(404, "no such route: webhooks are posted to /webhooks/{integration}");
        }
        IntegrationSpec spec = integrations.find(name).orElse(null);
        if (spec == null) {
            return HttpApiResponse.error(404, "unknown integration '" + name + "'");
        }
        if (spec.webhook() == null) {
            return HttpApiResponse.error(404, "integration '" + name + "' does not accept webhooks");
        }
        byte[] body;
        try {
            body = event.bodyBytes();
        } catch (IllegalArgumentException e) {
            return HttpApiResponse.error(400, "body is marked base64 but is not valid base64");
        }
        int limit = spec.limits().maxBodyBytes() != null ? spec.limits().maxBodyBytes() : config.webhookMaxBodyBytes();
        if (body.length > limit) {
            return HttpApiResponse.error(413, "body is " + body.length + " bytes; the limit for '" + name + "' is " + limit);
        }
        IntegrationSpec.Webhook webhook = spec.webhook();
        List<String> keys;
        try {
            keys = secrets.currentAndPrevious(webhook.signature().secret(),
                    webhook.signature().field() == null ? "key" : webhook.signature().field());
        } catch (ConfigurationException e) {
            LOG.errorf("webhook %s: cannot verify signatures: %s", name, e.getMessage());
            return HttpApiResponse.error(503, "integration '" + name + "' cannot verify signatures right now");
        }
        WebhookVerifier.Result verdict;
        try {
            verdict = new WebhookVerifier(clock).verify(webhook, event::header, body, keys);
        } catch (ConfigurationException e) {
            LOG.errorf("webhook %s: cannot verify signatures: secret '%s': %s", name, webhook.signature().secret(), e.getMessage());
            return HttpApiResponse.error(503, "integration '" + name + "' cannot verify signatures right now");
        }
        if (verdict instanceof WebhookVerifier.Rejected rejected) {
            return HttpApiResponse.error(401, rejected.reason());
        }
        String deliveryId = ((WebhookVerifier.Verified) verdict).deliveryId();
        JsonNode payload;
        try {
            payload = Json.tree(body);
        } catch (IOException e) {
            return HttpApiResponse.error(400, "body is not valid JSON");
        }
        if (payload == null || !payload.isObject()) {
            return HttpApiResponse.error(400, "body must be a JSON object");
        }
        if (deliveryId == null || deliveryId.isBlank()) {
            return HttpApiResponse.error(400, "missing delivery id (" + (webhook.deliveryIdHeader() != null
                    ? "header " + webhook.deliveryIdHeader() : "the " + webhook.signature().schemeOrDefault() + " delivery id") + ")");
        }
        String recordId = Json.textAt(payload, spec.source().recordId());
        if (recordId == null || recordId.isBlank()) {
            return HttpApiResponse.error(400, "body has no record id at " + spec.source().recordId());
        }
        return accept(spec, event, payload, deliveryId, recordId);
    }

    private HttpApiResponse accept(IntegrationSpec spec, HttpApiEvent event, JsonNode payload, String deliveryId,
                                   String recordId) {
        IdempotencyStore.Claim claim = idempotency.claim(spec.name(), STEP, deliveryId);
        if (claim instanceof IdempotencyStore.Claim.AlreadyDone) {
            LOG.infof("webhook %s: delivery %s was already accepted; nothing queued", spec.name(), deliveryId);
            return response(200, "duplicate", recordId, null);
        }
        if (claim instanceof IdempotencyStore.Claim.Busy) {
            return HttpApiResponse.error(409, "delivery " + deliveryId + " is being accepted right now; retry later");
        }
        IdempotencyStore.Claim.Acquired acquired = (IdempotencyStore.Claim.Acquired) claim;
        boolean thin = spec.webhook().thin();
        String traceId = traceId(event);
        Envelope envelope = Envelope.fresh(spec.name(), recordId,
                thin ? null : IdempotencyKeys.forRecord(spec, recordId, payload), traceId,
                new Envelope.SourceInfo(STEP, deliveryId, clock.instant(), thin), payload);
        try {
            sender.send(config.queueUrl(thin ? FerryConfig.Queue.FETCH : FerryConfig.Queue.TRANSFORM), envelope, 0);
        } catch (RecordTooLargeException e) {
            idempotency.release(acquired);
            return HttpApiResponse.error(413, e.getMessage());
        } catch (RuntimeException e) {
            idempotency.release(acquired);
            LOG.errorf("webhook %s: delivery %s could not be queued (%s: %s) [trace %s]", spec.name(), deliveryId,
                    e.getClass().getSimpleName(), e.getMessage(), envelope.traceId());
            return HttpApiResponse.error(503, "could not queue the record; retry later");
        }
        idempotency.complete(acquired, envelope.traceId());
        LOG.infof("webhook %s: delivery %s accepted record %s (%s) [trace %s]", spec.name(), deliveryId, recordId,
                thin ? "thin, to fetch" : "to transform", envelope.traceId());
        return response(202, "accepted", recordId, envelope.traceId());
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

    private static String integrationName(HttpApiEvent event) {
        if (event.pathParameters() != null && event.pathParameters().get("integration") != null) {
            return event.pathParameters().get("integration");
        }
        String path = event.path();
        if (path == null) {
            return null;
        }
        Matcher m = PATH.matcher(path);
        return m.matches() ? m.group(1) : null;
    }

    /** W3C traceparent's trace id when the sender gave one, else a new one. */
    private static String traceId(HttpApiEvent event) {
        String traceparent = event.header("traceparent");
        if (traceparent != null) {
            String[] parts = traceparent.split("-");
            if (parts.length >= 3 && parts[1].matches("[0-9a-f]{32}")) {
                return parts[1];
            }
        }
        return UUID.randomUUID().toString().replace("-", "");
    }
}
