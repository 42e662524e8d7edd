package dev.ferry.shared.lambda;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP request read from an API Gateway HTTP API (payload 2.0) or Function URL event, with every field the webhook
 * uses checked at this boundary: the event is a JSON object; {@code requestContext.http.method} is text; paths,
 * headers, path parameters and the body are text (or absent); {@code isBase64Encoded} is a boolean; a base64 body
 * decodes; a text body is valid Unicode (no lone surrogates, which have no UTF-8 form); no header appears twice in
 * different cases (which value would a signature cover?) or holds CR, LF or NUL; headers are of a bounded size. {@link #read} never throws:
 * it answers the request or the 4xx to refuse the event with, and its reason.
 *
 * @param method      as sent, never null
 * @param path        rawPath, else requestContext.http.path; null when the event has neither
 * @param integration the route's {@code {integration}} path parameter, or null (a Function URL has none)
 * @param headers     by lower-case name
 * @param body        the raw body bytes, as the sender signed them (empty when there is none)
 * @param requestId   requestContext.requestId, or null
 */
public record InboundRequest(String method, String path, String integration, Map<String, String> headers, byte[] body,
                             String requestId) {

    /** More headers than this is refused (431); HTTP APIs and Function URLs send a few dozen. */
    public static final int MAX_HEADERS = 200;
    /** A header name or value longer than this is refused (431); API Gateway's own limit is lower. */
    public static final int MAX_HEADER_CHARS = 16 * 1024;
    /** Longest text of the sender's that a reason repeats. */
    static final int SHOWN_CHARS = 64;

    public InboundRequest {
        headers = Map.copyOf(headers);
    }

    /** What reading an event gave: a request, or the answer that refuses it. */
    public sealed interface Read {
    }

    public record Ok(InboundRequest request) implements Read {
    }

    public record Refused(int status, String reason) implements Read {
    }

    /** Case-insensitive header lookup; null when absent. */
    public String header(String name) {
        return name == null ? null : headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Reads and checks the event (see the class comment). Never throws. */
    public static Read read(JsonNode event) {
        if (event == null || !event.isObject()) {
            return notAnEvent("expected a JSON object, got " + kind(event));
        }
        JsonNode context = event.get("requestContext");
        if (absent(context) || !context.isObject()) {
            return notAnEvent("no requestContext object");
        }
        JsonNode http = context.get("http");
        if (absent(http) || !http.isObject()) {
            return notAnEvent("no requestContext.http object");
        }
        JsonNode method = http.get("method");
        if (absent(method) || !method.isTextual()) {
            return notAnEvent("requestContext.http.method is " + (absent(method) ? "missing" : "not text"));
        }
        String path;
        JsonNode rawPath = event.get("rawPath");
        JsonNode contextPath = http.get("path");
        if (!absent(rawPath)) {
            if (!rawPath.isTextual()) {
                return notAnEvent("rawPath is not text");
            }
            path = rawPath.asText();
        } else if (!absent(contextPath)) {
            if (!contextPath.isTextual()) {
                return notAnEvent("requestContext.http.path is not text");
            }
            path = contextPath.asText();
        } else {
            path = null;
        }
        String integration = null;
        JsonNode parameters = event.get("pathParameters");
        if (!absent(parameters)) {
            if (!parameters.isObject()) {
                return notAnEvent("pathParameters is not an object");
            }
            JsonNode name = parameters.get("integration");
            if (!absent(name)) {
                if (!name.isTextual()) {
                    return notAnEvent("pathParameters.integration is not text");
                }
                integration = name.asText();
            }
        }
        Map<String, String> headers = new HashMap<>();
        JsonNode headerNode = event.get("headers");
        if (!absent(headerNode)) {
            if (!headerNode.isObject()) {
                return notAnEvent("headers is not an object");
            }
            if (headerNode.size() > MAX_HEADERS) {
                return new Refused(431, "more than " + MAX_HEADERS + " headers");
            }
            for (Map.Entry<String, JsonNode> h : headerNode.properties()) {
                String name = h.getKey();
                if (name.length() > MAX_HEADER_CHARS) {
                    return new Refused(431, "a header name is longer than " + MAX_HEADER_CHARS + " characters");
                }
                JsonNode value = h.getValue();
                if (value == null || !value.isTextual()) {
                    return new Refused(400, "header " + shown(name) + " is " + (absent(value) ? "null" : "not text"));
                }
                if (value.asText().length() > MAX_HEADER_CHARS) {
                    return new Refused(431, "header " + shown(name) + " is longer than " + MAX_HEADER_CHARS + " characters");
                }
                if (breaksALine(name) || breaksALine(value.asText())) {
                    // Not trimmed away: a value that a parser trims differently than the signer signed is ambiguous.
                    return new Refused(400, "header " + shown(name) + " holds a line break or NUL (not allowed in an HTTP header)");
                }
                if (headers.putIfAbsent(name.toLowerCase(Locale.ROOT), value.asText()) != null) {
                    return new Refused(400, "header " + shown(name) + " appears more than once (names differ only in case)");
                }
            }
        }
        JsonNode base64 = event.get("isBase64Encoded");
        if (!absent(base64) && !base64.isBoolean()) {
            return notAnEvent("isBase64Encoded is not true or false");
        }
        JsonNode bodyNode = event.get("body");
        byte[] body;
        if (absent(bodyNode)) {
            body = new byte[0];
        } else if (!bodyNode.isTextual()) {
            return notAnEvent("body is not text");
        } else if (!absent(base64) && base64.booleanValue()) {
            try {
                body = Base64.getDecoder().decode(bodyNode.asText());
            } catch (IllegalArgumentException e) {
                return new Refused(400, "body is marked base64 but is not valid base64");
            }
        } else {
            try {
                body = strictUtf8(bodyNode.asText());
            } catch (CharacterCodingException e) {
                return new Refused(400, "body is not valid Unicode text (a lone surrogate has no UTF-8 form)");
            }
        }
        JsonNode requestId = context.get("requestId");
        return new Ok(new InboundRequest(method.asText(), path, integration, headers, body,
                requestId != null && requestId.isTextual() ? requestId.asText() : null));
    }

    /** The sender's text for a reason: at most {@link #SHOWN_CHARS} characters, quoted, controls escaped. */
    /** CR, LF or NUL: never part of an HTTP field (RFC 9110, section 5.5). */
    private static boolean breaksALine(String text) {
        return text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\u0000') >= 0;
    }

    public static String shown(String text) {
        if (text == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder("'");
        int n = Math.min(text.length(), SHOWN_CHARS);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append(text.length() > SHOWN_CHARS ? "…'" : "'").toString();
    }

    private static byte[] strictUtf8(String text) throws CharacterCodingException {
        ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .encode(CharBuffer.wrap(text));
        byte[] out = new byte[bytes.remaining()];
        bytes.get(out);
        return out;
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    private static String kind(JsonNode node) {
        return node == null || node.isMissingNode() ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static Refused notAnEvent(String problem) {
        return new Refused(400, "not an HTTP API or Function URL event: " + problem);
    }
}
