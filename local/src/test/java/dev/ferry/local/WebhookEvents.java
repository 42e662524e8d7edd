package dev.ferry.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.secrets.WebhookSignature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The sample HTTP API webhook event (events/webhook-http-api.json), re-pointed, re-bodied and re-signed. */
final class WebhookEvents {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    private WebhookEvents() {
    }

    /**
     * @param prefix the integration's header prefix: {@code x-<prefix>-delivery} and {@code x-<prefix>-signature}
     *               ({@code sha256=} + hex HMAC-SHA256 of the body with {@code key})
     */
    static ObjectNode signed(String integration, String body, String deliveryId, String prefix, String key) throws IOException {
        ObjectNode event = (ObjectNode) Json.MAPPER.readTree(Files.readString(REPO.resolve("events/webhook-http-api.json")));
        event.put("rawPath", "/webhooks/" + integration);
        ((ObjectNode) event.get("pathParameters")).put("integration", integration);
        ((ObjectNode) event.get("requestContext").get("http")).put("path", "/webhooks/" + integration);
        event.put("body", body);
        ObjectNode headers = (ObjectNode) event.get("headers");
        headers.put("x-" + prefix + "-delivery", deliveryId);
        headers.put("x-" + prefix + "-signature", "sha256=" + WebhookSignature.hexHmacSha256(key, body.getBytes(StandardCharsets.UTF_8)));
        return event;
    }
}
