package dev.ferry.shared.api;

import dev.ferry.shared.http.HttpCaller;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a call site wants sent: method, full URL, its own headers and body. Credentials are not here: the
 * {@link ApiClient} adds them per attempt, so a request can be logged or retried without carrying a secret. A request
 * sent without a {@code traceparent} ({@link #withTrace}) gets one of a new trace.
 */
public record ApiRequest(String method, String url, Map<String, String> headers, byte[] body) {

    public ApiRequest {
        headers = Map.copyOf(headers);
    }

    /** A GET for JSON. */
    public static ApiRequest get(String url) {
        return new ApiRequest("GET", url, Map.of("Accept", "application/json"), null);
    }

    /** A JSON body sent with {@code method}, with the section's own headers first. */
    public static ApiRequest json(String method, String url, Map<String, String> headers, byte[] body) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("Content-Type", "application/json");
        return new ApiRequest(method, url, all, body);
    }

    public ApiRequest withHeader(String name, String value) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put(name, value);
        return new ApiRequest(method, url, all, body);
    }

    /** With a W3C {@code traceparent} for the record's trace ({@code traceId}); a new trace when null. */
    public ApiRequest withTrace(String traceId) {
        return withHeader(Traceparent.HEADER, Traceparent.header(traceId));
    }

    /** {@code GET https://host/path?…}: for reasons and logs (the query, which may hold a key, is cut). */
    public String target() {
        return method + " " + HttpCaller.redactQuery(url);
    }
}
