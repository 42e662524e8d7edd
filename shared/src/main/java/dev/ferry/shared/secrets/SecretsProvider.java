package dev.ferry.shared.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.ConfigurationException;
import dev.ferry.shared.json.Json;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads JSON secrets from Secrets Manager by name and keeps them for a TTL, so a rotated secret is
 * picked up without a redeploy. Errors name the secret and field, never the value.
 */
public final class SecretsProvider {

    private record Cached(JsonNode value, Instant expires) {
    }

    private final SecretsManagerClient client;
    private final Duration ttl;
    private final Clock clock;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public SecretsProvider(SecretsManagerClient client, Duration ttl, Clock clock) {
        this.client = client;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** One field of a JSON secret. */
    public String field(String secretName, String field) {
        JsonNode node = secret(secretName).get(field);
        if (node == null || !node.isValueNode() || node.asText().isEmpty()) {
            throw new ConfigurationException("secret '" + secretName + "' has no field '" + field + "'");
        }
        return node.asText();
    }

    public JsonNode secret(String secretName) {
        Instant now = clock.instant();
        Cached cached = cache.get(secretName);
        if (cached != null && now.isBefore(cached.expires())) {
            return cached.value();
        }
        JsonNode value = read(secretName);
        cache.put(secretName, new Cached(value, now.plus(ttl)));
        return value;
    }

    /** Drops a cached secret, e.g. after the remote side rejected it. */
    public void invalidate(String secretName) {
        cache.remove(secretName);
    }

    private JsonNode read(String secretName) {
        String text;
        try {
            text = client.getSecretValue(r -> r.secretId(secretName)).secretString();
        } catch (ResourceNotFoundException e) {
            throw new ConfigurationException("secret '" + secretName + "' does not exist in Secrets Manager");
        }
        if (text == null) {
            throw new ConfigurationException("secret '" + secretName + "' has no string value (Ferry expects a JSON object)");
        }
        try {
            JsonNode node = Json.MAPPER.readTree(text);
            if (node == null || !node.isObject()) {
                throw new ConfigurationException("secret '" + secretName + "' is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            // The parser's message may quote the value: leave it out.
            throw new ConfigurationException("secret '" + secretName + "' is not valid JSON");
        }
    }
}
