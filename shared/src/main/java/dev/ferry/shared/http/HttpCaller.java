package dev.ferry.shared.http;

import dev.ferry.shared.envelope.StepFailure;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Calls source and destination APIs with the JDK's HTTP client and turns every outcome into either a
 * response or a classified {@link StepFailure}. Request headers (which may hold credentials) are never
 * put into messages.
 */
public final class HttpCaller {

    /** How much of an error body travels with a failure. */
    static final int EXCERPT_CHARS = 300;
    /** The longest wait taken from an API's {@code Retry-After}: SQS' longest delay (a longer one is this). */
    public static final int MAX_RETRY_AFTER_SECONDS = 900;

    /**
     * A 2xx answer: its body as the bytes that arrived and as text (malformed UTF-8 replaced, for excerpts and
     * digests only), and its headers.
     */
    public record Response(int status, String body, Map<String, List<String>> headers, byte[] bytes) {

        public Response {
            if (bytes == null) {
                bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            }
        }

        public Response(int status, String body, Map<String, List<String>> headers) {
            this(status, body, headers, null);
        }

        /** No body, or only white space (a 204, an empty 200). */
        public boolean isEmpty() {
            for (byte b : bytes) {
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                    return false;
                }
            }
            return true;
        }

        /**
         * The body as exactly one strict JSON document ({@link Json#parseStrict}: valid UTF-8, nothing after the
         * document, no duplicate keys). A 2xx answer that is anything else is a permanent failure: asking again gets
         * the same answer, and guessing what it meant could change a value silently.
         *
         * @param what the request and its context for the reason, e.g. "GET https://…/contacts/7 (record 7)"
         */
        public JsonNode json(String what) {
            try {
                return Json.parseStrict(bytes);
            } catch (Json.MalformedJsonException e) {
                throw new StepFailure(FailureKind.PERMANENT, what + " answered " + status + " with a body that is not JSON ("
                        + e.getMessage() + ")", status, excerpt(body));
            }
        }
    }

    /** A request that got no HTTP answer (retryable): it timed out, or the connection failed. */
    public static final class NoAnswer extends StepFailure {
        private final boolean timedOut;

        NoAnswer(String reason, boolean timedOut) {
            super(FailureKind.RETRYABLE, reason, null, null);
            this.timedOut = timedOut;
        }

        public boolean timedOut() {
            return timedOut;
        }
    }

    private final HttpClient client;
    private final Duration timeout;

    public HttpCaller(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Sends the request; answers 2xx responses, throws a classified failure for everything else. */
    public Response send(String method, String url, Map<String, String> headers, byte[] body) {
        String target = method + " " + redactQuery(url);
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        } catch (IllegalArgumentException e) {
            // The JDK's message quotes the whole URL, query string (and any key in it) included.
            throw StepFailure.permanent(target + ": the request cannot be built (invalid URL)");
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            try {
                request.header(header.getKey(), header.getValue());
            } catch (IllegalArgumentException e) {
                // The JDK's message quotes the header's value, which may be a credential.
                throw StepFailure.permanent(target + ": the request cannot be built (invalid header '" + header.getKey() + "')");
            }
        }
        HttpResponse<byte[]> response;
        try {
            // Bytes, not text: a body that is not valid UTF-8 must be seen as such, not quietly repaired.
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new NoAnswer(target + " timed out after " + timeout.toMillis() + " ms", true);
        } catch (IOException e) {
            throw new NoAnswer(target + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // Only a call's own timeout (its guard) interrupts it.
            throw new NoAnswer(target + " interrupted", true);
        }
        int status = response.statusCode();
        byte[] bytes = response.body() == null ? new byte[0] : response.body();
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (status >= 200 && status < 300) {
            return new Response(status, text, response.headers().map(), bytes);
        }
        String excerpt = excerpt(text);
        OptionalLong retryAfter = retryAfterSeconds(response.headers().firstValue("Retry-After").orElse(null));
        FailureKind kind;
        if (status == 429 || (status == 503 && retryAfter.isPresent())) {
            kind = FailureKind.THROTTLED;
        } else if (status >= 500 || status == 408) {
            kind = FailureKind.RETRYABLE;
        } else {
            kind = FailureKind.PERMANENT;
        }
        StepFailure failure = new StepFailure(kind, target + " answered " + status, status, excerpt);
        retryAfter.ifPresent(seconds -> failure.retryAfterSeconds((int) seconds));
        throw failure;
    }

    /**
     * Retry-After in seconds from now, 0..{@link #MAX_RETRY_AFTER_SECONDS}; empty when absent or unreadable (then the
     * caller's own backoff applies). See {@link HeaderNumbers#retryAfterSeconds}.
     */
    public static OptionalLong retryAfterSeconds(String value) {
        return HeaderNumbers.retryAfterSeconds(value, Instant.now(), MAX_RETRY_AFTER_SECONDS);
    }

    public static String excerpt(String body) {
        if (body == null || body.isEmpty()) {
            return null;
        }
        String flat = body.replaceAll("\\s+", " ").trim();
        return flat.length() <= EXCERPT_CHARS ? flat : flat.substring(0, EXCERPT_CHARS) + "…";
    }

    /** Query strings can carry api keys: keep them out of failure reasons. */
    public static String redactQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }
}
