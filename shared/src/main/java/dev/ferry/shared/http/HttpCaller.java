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
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        HttpResponse<String> response;
        String target = method + " " + redactQuery(url);
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
        OptionalLong retryAfter = response.headers().firstValueAsLong("Retry-After");
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

    static String excerpt(String body) {
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
