package dev.ferry.shared.http;

import dev.ferry.shared.envelope.FailureKind;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Calls source and destination APIs with the JDK's HTTP client and turns every outcome into either a
 * response or a classified {@link StepFailure}. Request headers (which may hold credentials) are never
 * put into messages.
 */
public final class HttpCaller {

    /** How much of an error body travels with a failure. */
    static final int EXCERPT_CHARS = 300;

    public record Response(int status, String body, Map<String, java.util.List<String>> headers) {
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
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new StepFailure(FailureKind.RETRYABLE, target + " timed out after " + timeout.toMillis() + " ms", null, null);
        } catch (IOException e) {
            throw new StepFailure(FailureKind.RETRYABLE, target + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure(FailureKind.RETRYABLE, target + " interrupted", null, null);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new Response(status, response.body(), response.headers().map());
        }
        String excerpt = excerpt(response.body());
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
        retryAfter.ifPresent(seconds -> failure.retryAfterSeconds((int) Math.min(Math.max(seconds, 0), 900)));
        throw failure;
    }

    /** Retry-After as delta-seconds or as an HTTP-date (RFC 9110); empty when absent or unreadable. */
    public static OptionalLong retryAfterSeconds(String value) {
        if (value == null || value.isBlank()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.trim()));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return OptionalLong.of(Math.max(0, Duration.between(Instant.now(), at.toInstant()).toSeconds()));
            } catch (DateTimeParseException notADate) {
                return OptionalLong.empty();
            }
        }
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
