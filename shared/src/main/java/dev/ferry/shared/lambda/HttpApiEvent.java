package dev.ferry.shared.lambda;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Base64;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * An API Gateway HTTP API (payload format 2.0) or Lambda Function URL request: both share this shape.
 * Header names arrive lower-cased from both. This is the plain Jackson binding (for tools and tests); the webhook
 * reads events through {@link InboundRequest}, which checks every field instead of coercing it.
 */
public record HttpApiEvent(
        String version,
        String routeKey,
        String rawPath,
        String rawQueryString,
        Map<String, String> headers,
        Map<String, String> pathParameters,
        RequestContext requestContext,
        String body,
        @JsonProperty("isBase64Encoded") boolean isBase64Encoded) {

    public record RequestContext(String requestId, Http http, Long timeEpoch) {
    }

    public record Http(String method, String path, String sourceIp, String userAgent) {
    }

    public String method() {
        return requestContext != null && requestContext.http() != null ? requestContext.http().method() : null;
    }

    public String path() {
        if (rawPath != null) {
            return rawPath;
        }
        return requestContext != null && requestContext.http() != null ? requestContext.http().path() : null;
    }

    /** Case-insensitive header lookup. */
    public String header(String name) {
        if (headers == null || name == null) {
            return null;
        }
        String wanted = name.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().toLowerCase(Locale.ROOT).equals(wanted)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** The raw body bytes, as the sender signed them. */
    public byte[] bodyBytes() {
        if (body == null) {
            return new byte[0];
        }
        return isBase64Encoded ? Base64.getDecoder().decode(body) : body.getBytes(StandardCharsets.UTF_8);
    }
}
