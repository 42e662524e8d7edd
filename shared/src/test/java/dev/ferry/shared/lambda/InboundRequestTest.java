package dev.ferry.shared.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The boundary between a Lambda HTTP event and the webhook: every odd shape is a 4xx with a reason, never an exception. */
class InboundRequestTest {

    static ObjectNode sample() throws Exception {
        return (ObjectNode) Json.MAPPER.readTree(Files.readString(Path.of("../events/webhook-http-api.json")));
    }

    static InboundRequest ok(JsonNode event) {
        InboundRequest.Read read = InboundRequest.read(event);
        assertThat(read).isInstanceOf(InboundRequest.Ok.class);
        return ((InboundRequest.Ok) read).request();
    }

    static InboundRequest.Refused refused(JsonNode event) {
        InboundRequest.Read read = InboundRequest.read(event);
        assertThat(read).as(String.valueOf(event)).isInstanceOf(InboundRequest.Refused.class);
        return (InboundRequest.Refused) read;
    }

    @Test
    void theSampleEventReadsAsTheRequestItCarries() throws Exception {
        InboundRequest request = ok(sample());

        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/webhooks/sandbox-contacts");
        assertThat(request.integration()).isEqualTo("sandbox-contacts");
        assertThat(request.header("X-Sandbox-Delivery")).isEqualTo("d-1001");
        assertThat(request.header("x-sandbox-delivery")).isEqualTo("d-1001");
        assertThat(request.header(null)).isNull();
        assertThat(new String(request.body(), StandardCharsets.UTF_8)).startsWith("{\"id\":\"c-1001\"");
        assertThat(request.requestId()).isEqualTo("VbqXhgq8IAMEVwA=");
    }

    @Test
    void eventsThatAreNotObjectsAreRefused() throws Exception {
        assertThat(InboundRequest.read(null)).isEqualTo(new InboundRequest.Refused(400,
                "not an HTTP API or Function URL event: expected a JSON object, got nothing"));
        for (String text : new String[] {"null", "[]", "\"POST\"", "42", "true"}) {
            assertThat(refused(Json.MAPPER.readTree(text)).reason()).startsWith("not an HTTP API or Function URL event: expected a JSON object");
        }
        assertThat(refused(Json.MAPPER.createObjectNode()).reason()).isEqualTo("not an HTTP API or Function URL event: no requestContext object");
    }

    @Test
    void aMissingOrWronglyTypedPartIsRefusedNamingIt() throws Exception {
        String[][] cases = {
                {"requestContext", "null", "no requestContext object"},
                {"requestContext", "\"x\"", "no requestContext object"},
                {"requestContext", "{}", "no requestContext.http object"},
                {"requestContext", "{\"http\":null}", "no requestContext.http object"},
                {"requestContext", "{\"http\":{}}", "requestContext.http.method is missing"},
                {"requestContext", "{\"http\":{\"method\":7}}", "requestContext.http.method is not text"},
                {"rawPath", "[]", "rawPath is not text"},
                {"pathParameters", "\"x\"", "pathParameters is not an object"},
                {"pathParameters", "{\"integration\":{}}", "pathParameters.integration is not text"},
                {"headers", "[]", "headers is not an object"},
                {"body", "{}", "body is not text"},
                {"body", "12", "body is not text"},
                {"isBase64Encoded", "\"true\"", "isBase64Encoded is not true or false"},
                {"isBase64Encoded", "1", "isBase64Encoded is not true or false"},
        };
        for (String[] c : cases) {
            ObjectNode event = sample();
            event.set(c[0], Json.MAPPER.readTree(c[1]));
            InboundRequest.Refused r = refused(event);
            assertThat(r.status()).as(c[0] + "=" + c[1]).isEqualTo(400);
            assertThat(r.reason()).as(c[0] + "=" + c[1]).isEqualTo("not an HTTP API or Function URL event: " + c[2]);
        }
    }

    @Test
    void absentOptionalPartsAreEmpty() throws Exception {
        ObjectNode event = sample();
        event.remove("headers");
        event.putNull("body");
        event.putNull("isBase64Encoded");
        event.putNull("pathParameters");
        event.remove("rawPath");
        InboundRequest request = ok(event);

        assertThat(request.headers()).isEmpty();
        assertThat(request.body()).isEmpty();
        assertThat(request.integration()).isNull();
        assertThat(request.path()).as("from requestContext.http.path").isEqualTo("/webhooks/sandbox-contacts");
        ((ObjectNode) event.get("requestContext").get("http")).remove("path");
        assertThat(ok(event).path()).isNull();
    }

    @Test
    void headersMustBeTextSingleAndOfABoundedSize() throws Exception {
        ObjectNode event = sample();
        ((ObjectNode) event.get("headers")).putNull("x-null");
        assertThat(refused(event)).isEqualTo(new InboundRequest.Refused(400, "header 'x-null' is null"));

        event = sample();
        ((ObjectNode) event.get("headers")).put("x-number", 7);
        assertThat(refused(event)).isEqualTo(new InboundRequest.Refused(400, "header 'x-number' is not text"));

        event = sample();
        ((ObjectNode) event.get("headers")).put("X-Sandbox-Signature", "sha256=other");
        assertThat(refused(event).reason()).contains("appears more than once");

        event = sample();
        ((ObjectNode) event.get("headers")).put("x-huge", "a".repeat(InboundRequest.MAX_HEADER_CHARS + 1));
        assertThat(refused(event)).isEqualTo(new InboundRequest.Refused(431, "header 'x-huge' is longer than 16384 characters"));

        event = sample();
        ((ObjectNode) event.get("headers")).put("x".repeat(InboundRequest.MAX_HEADER_CHARS + 1), "v");
        assertThat(refused(event).status()).isEqualTo(431);

        event = sample();
        for (int i = 0; i <= InboundRequest.MAX_HEADERS; i++) {
            ((ObjectNode) event.get("headers")).put("x-" + i, "v");
        }
        assertThat(refused(event)).isEqualTo(new InboundRequest.Refused(431, "more than 200 headers"));
    }

    @Test
    void bodiesDecodeExactlyOrAreRefused() throws Exception {
        ObjectNode event = sample();
        event.put("isBase64Encoded", true);
        event.put("body", "not base64!");
        assertThat(refused(event)).isEqualTo(new InboundRequest.Refused(400, "body is marked base64 but is not valid base64"));

        event.put("body", java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) 0xC0, (byte) 0xAF}));
        assertThat(ok(event).body()).as("base64 carries any bytes; the JSON check judges them").containsExactly(0xC0, 0xAF);

        event.put("isBase64Encoded", false);
        event.put("body", "{\"id\":\"\uD800\"}");
        assertThat(refused(event)).isEqualTo(new InboundRequest.Refused(400,
                "body is not valid Unicode text (a lone surrogate has no UTF-8 form)"));

        event.put("body", "{\"name\":\"Zoë 😀\"}");
        assertThat(ok(event).body()).isEqualTo("{\"name\":\"Zoë 😀\"}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aHeaderWithCarriageReturnLineFeedOrNulIsRefusedNotTrimmedAway() throws Exception {
        // HTTP field values never hold CR, LF or NUL (RFC 9110 5.5); a signature "sha256=...\r\n" was trimmed and accepted.
        for (String value : new String[] {"sha256=abc\r\n", "\r\nsha256=abc", "sha256=a\rbc", "sha256=abc\nX-Injected: 1", "abc\u0000"}) {
            ObjectNode event = sample();
            ((ObjectNode) event.get("headers")).put("x-sandbox-signature", value);
            assertThat(refused(event)).isEqualTo(new InboundRequest.Refused(400,
                    "header 'x-sandbox-signature' holds a line break or NUL (not allowed in an HTTP header)"));
        }
        ObjectNode event = sample();
        ((ObjectNode) event.get("headers")).put("x-evil\r\nx-injected", "1");
        assertThat(refused(event)).isEqualTo(new InboundRequest.Refused(400,
                "header 'x-evil\\u000d\\u000ax-injected' holds a line break or NUL (not allowed in an HTTP header)"));
        event = sample();
        ((ObjectNode) event.get("headers")).put("x-tab", "a\tb c");
        assertThat(ok(event).header("x-tab")).as("tabs and spaces are allowed in a value").isEqualTo("a\tb c");
    }

    @Test
    void reasonsShowTheSendersTextShortAndEscaped() {
        assertThat(InboundRequest.shown("abc")).isEqualTo("'abc'");
        assertThat(InboundRequest.shown("a\nb\u0000\uD800")).isEqualTo("'a\\u000ab\\u0000\\ud800'");
        assertThat(InboundRequest.shown("x".repeat(100))).isEqualTo("'" + "x".repeat(64) + "…'");
        assertThat(InboundRequest.shown(null)).isEqualTo("(none)");
    }
}
