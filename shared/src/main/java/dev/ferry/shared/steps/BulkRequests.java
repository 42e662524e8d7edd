package dev.ferry.shared.steps;

import dev.ferry.shared.idempotency.IdempotencyKeys;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The parts of a bulk request that follow from the spec's {@code destination.batch}: the body (the mapped records as
 * one array, at {@code wrap}), the request's {@code Idempotency-Key}, and what the answer says about each record
 * ({@code results} with {@code itemStatus}, {@code itemOk} or {@code itemError}).
 */
public final class BulkRequests {

    private BulkRequests() {
    }

    /** What the answer says about one record of the request: delivered ({@code failure} null) or failed. */
    public record ItemOutcome(JsonNode result, StepFailure failure) {
        public boolean delivered() {
            return failure == null;
        }
    }

    /** The request body: the records in order, as a bare array or placed at {@code wrap} (objects made on the way). */
    public static JsonNode body(IntegrationSpec.Batch batch, List<JsonNode> records) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        records.forEach(array::add);
        if (batch.wrap() == null) {
            return array;
        }
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode parent = root;
        JsonPointer pointer = JsonPointer.compile(batch.wrap());
        while (!pointer.tail().matches()) {
            parent = parent.putObject(pointer.getMatchingProperty());
            pointer = pointer.tail();
        }
        parent.set(pointer.getMatchingProperty(), array);
        return root;
    }

    /**
     * The bulk request's {@code Idempotency-Key}: the integration and a digest of its records' idempotency keys in
     * request order. The same records in the same order (a quick retry of the same request) give the same key; the
     * order counts because an API that replays a stored answer for a known key replays its results in that order.
     */
    public static String idempotencyKey(String integration, List<String> recordKeys) {
        return integration + ":batch:" + IdempotencyKeys.digest(String.join("\n", recordKeys));
    }

    /** How an item's HTTP-like status is treated: 2xx delivered (null), 429 throttled, 5xx/408 retryable, else permanent. */
    public static FailureKind kindOf(int status) {
        if (status >= 200 && status < 300) {
            return null;
        }
        if (status == 429) {
            return FailureKind.THROTTLED;
        }
        if (status >= 500 || status == 408) {
            return FailureKind.RETRYABLE;
        }
        return FailureKind.PERMANENT;
    }

    /**
     * One outcome per record sent, in request order. Without {@code results} a 2xx answer delivered every record.
     * With it, an answer whose results cannot be lined up with the records (missing, not an array, another length)
     * is a permanent failure of the whole request: some records may have been applied and there is no telling
     * which, so they go to the dead-letter queue for a person rather than being sent again blindly.
     *
     * @param target the request, for reasons ("POST https://…/batch", no query string)
     */
    public static List<ItemOutcome> outcomes(IntegrationSpec.Batch batch, HttpCaller.Response response, int count, String target) {
        List<ItemOutcome> outcomes = new ArrayList<>(count);
        if (batch.results() == null) {
            for (int i = 0; i < count; i++) {
                outcomes.add(new ItemOutcome(null, null));
            }
            return outcomes;
        }
        JsonNode results = resultsOf(batch, response, count, target);
        OptionalLong retryAfter = HttpCaller.retryAfterSeconds(header(response, "Retry-After"));
        for (int i = 0; i < count; i++) {
            JsonNode item = results.get(i);
            StepFailure failure = itemFailure(batch, item, i, count, target);
            if (failure != null && failure.kind() == FailureKind.THROTTLED && retryAfter.isPresent()) {
                failure.retryAfterSeconds((int) retryAfter.getAsLong()); // already 0..900
            }
            outcomes.add(new ItemOutcome(item, failure));
        }
        return outcomes;
    }

    private static JsonNode resultsOf(IntegrationSpec.Batch batch, HttpCaller.Response response, int count, String target) {
        String problem;
        try {
            // Strict JSON: one document, valid UTF-8, no duplicate keys (a result listed twice is not guessed at).
            JsonNode body = response.isEmpty() ? null : Json.parseStrict(response.bytes());
            JsonNode results = body == null ? null : Json.at(body, batch.results());
            if (body == null) {
                problem = "no body";
            } else if (results == null || results.isMissingNode() || results.isNull()) {
                problem = "no results at " + batch.results();
            } else if (!results.isArray()) {
                problem = "results at " + batch.results() + " that are not an array";
            } else if (results.size() != count) {
                problem = results.size() + " results at " + batch.results() + " for " + count + " records";
            } else {
                return results;
            }
        } catch (Json.MalformedJsonException e) {
            problem = "a body that is not JSON (" + e.getMessage() + ")";
        }
        throw new StepFailure(FailureKind.PERMANENT, target + " answered " + response.status() + " with " + problem
                + ": which of its " + count + " records were applied is unknown; check them at the destination before"
                + " re-driving", response.status(), HttpCaller.excerpt(response.body()));
    }

    /** Null when the item was delivered. */
    static StepFailure itemFailure(IntegrationSpec.Batch batch, JsonNode item, int index, int count, String target) {
        String which = target + ": item " + (index + 1) + " of " + count;
        String error = batch.itemError() == null ? null : errorText(Json.at(item, batch.itemError()));
        String detail = HttpCaller.excerpt(Json.write(item));
        if (batch.itemStatus() != null) {
            JsonNode statusNode = Json.at(item, batch.itemStatus());
            Integer status = statusNode == null ? null : statusOf(statusNode);
            if (status == null) {
                return new StepFailure(FailureKind.PERMANENT, which + " has no status at " + batch.itemStatus()
                        + " (it may have been applied)" + (error == null ? "" : ": " + error), null, detail);
            }
            FailureKind kind = kindOf(status);
            return kind == null ? null
                    : new StepFailure(kind, which + " answered " + status + (error == null ? "" : ": " + error), status, detail);
        }
        if (batch.itemOk() != null) {
            JsonNode ok = Json.at(item, batch.itemOk());
            if (ok == null || !ok.isBoolean()) {
                return new StepFailure(FailureKind.PERMANENT, which + " has no true/false at " + batch.itemOk()
                        + " (it may have been applied)" + (error == null ? "" : ": " + error), null, detail);
            }
            return ok.booleanValue() ? null
                    : new StepFailure(FailureKind.PERMANENT, which + " failed" + (error == null ? "" : ": " + error), null, detail);
        }
        return error == null ? null : new StepFailure(FailureKind.PERMANENT, which + " failed: " + error, null, detail);
    }

    /**
     * An HTTP-like status, 100..599, as a number or three ASCII digits; null for anything else. Exact: 200.0, 4294967496
     * (which {@code intValue()} would wrap to 200) or "２００" are not a status, so no such item counts as delivered.
     */
    static Integer statusOf(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            int status = node.intValue();
            return status >= 100 && status <= 599 ? status : null;
        }
        if (node.isTextual() && node.asText().trim().matches("[1-5][0-9][0-9]")) {
            return Integer.parseInt(node.asText().trim());
        }
        return null;
    }

    /** The reason at itemError as short text; null when absent or empty. */
    private static String errorText(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        String text = node.isValueNode() ? node.asText() : node.isEmpty() ? "" : Json.write(node);
        return text.isBlank() ? null : HttpCaller.excerpt(text);
    }

    private static String header(HttpCaller.Response response, String name) {
        if (response.headers() == null) {
            return null;
        }
        for (var h : response.headers().entrySet()) {
            if (h.getKey() != null && h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
                return h.getValue().getFirst();
            }
        }
        return null;
    }
}
