package dev.ferry.shared.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.ConfigurationException;
import dev.ferry.shared.json.Json;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads JSON secrets from Secrets Manager by name and keeps them for a TTL, so a rotated secret is
 * picked up without a redeploy. Errors name the secret and field, never the value.
 */
public final class SecretsProvider {

    private record Cached(JsonNode value, Instant expires) {
        @Override
        public String toString() {
            return "Cached[value=(not shown), expires=" + expires + "]";
        }
    }

    /** The version stage Secrets Manager gives the version before the current one. */
    public static final String PREVIOUS = "AWSPREVIOUS";

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

    /**
     * The field's value in the current version and, while a rotation overlaps, in the previous one
     * (stage AWSPREVIOUS), current first. Inbound verification accepts either, so senders that still
     * sign with the old key keep working until they switch.
     */
    public List<String> currentAndPrevious(String secretName, String field) {
        String current = field(secretName, field);
        Instant now = clock.instant();
        String key = secretName + "\u0000" + PREVIOUS;
        Cached cached = cache.get(key);
        JsonNode previous;
        if (cached != null && now.isBefore(cached.expires())) {
            previous = cached.value();
        } else {
            previous = readStage(secretName, PREVIOUS);
            cache.put(key, new Cached(previous, now.plus(ttl)));
        }
        JsonNode node = previous.get(field);
        if (node == null || !node.isValueNode() || node.asText().isEmpty() || node.asText().equals(current)) {
            return List.of(current);
        }
        return List.of(current, node.asText());
    }

    /**
     * Writes a new current version of the secret (e.g. a rotated OAuth refresh token) and caches it.
     * The old current version becomes AWSPREVIOUS.
     */
    public void put(String secretName, JsonNode value) {
        if (value == null || !value.isObject()) {
            throw new IllegalArgumentException("a Ferry secret is a JSON object");
        }
        try {
            client.putSecretValue(r -> r.secretId(secretName).secretString(Json.write(value)));
        } catch (ResourceNotFoundException e) {
            throw new ConfigurationException("secret '" + secretName + "' does not exist in Secrets Manager");
        } catch (SdkException e) {
            // The SDK's message never holds the value, but keep to the secret's name to be sure.
            throw new ConfigurationException("secret '" + secretName + "' could not be updated ("
                    + e.getClass().getSimpleName() + ")");
        }
        cache.put(secretName, new Cached(value.deepCopy(), clock.instant().plus(ttl)));
        cache.remove(secretName + "\u0000" + PREVIOUS);
    }

    /** Drops a cached secret, e.g. after the remote side rejected it. */
    public void invalidate(String secretName) {
        cache.remove(secretName);
        cache.remove(secretName + "\u0000" + PREVIOUS);
    }

    /** The given stage of the secret, or an empty object when no version has that stage. */
    private JsonNode readStage(String secretName, String stage) {
        String text;
        try {
            text = client.getSecretValue(r -> r.secretId(secretName).versionStage(stage)).secretString();
        } catch (ResourceNotFoundException e) {
            return Json.MAPPER.createObjectNode();
        }
        return parse(secretName, text);
    }

    private JsonNode read(String secretName) {
        String text;
        try {
            text = client.getSecretValue(r -> r.secretId(secretName)).secretString();
        } catch (ResourceNotFoundException e) {
            throw new ConfigurationException("secret '" + secretName + "' does not exist in Secrets Manager");
        }
        return parse(secretName, text);
    }

    private static JsonNode parse(String secretName, String text) {
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
