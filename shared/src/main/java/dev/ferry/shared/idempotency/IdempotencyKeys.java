package dev.ferry.shared.idempotency;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.json.Numbers;
import dev.ferry.shared.spec.IntegrationSpec;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;

/**
 * The key that makes a repeated delivery of the same version of a record a no-op: the spec's
 * {@code source.idempotencyKey} template filled from the record, or the record id plus the spec's version
 * field (e.g. updated_at); when those are missing from the record, the id plus a digest of its content,
 * so a changed record is delivered again and an unchanged one is not.
 *
 * <p>Numbers count by value, exactly: in a key part and in the digest every number is its canonical text
 * ({@link Numbers#canonical}: {@code 1}, {@code 1.0} and {@code 1E+0} are {@code 1}; {@code 2.50} is {@code 2.5}), so a
 * source that writes the same amount once as {@code 10.5} and once as {@code 10.50} sends one version, while amounts a
 * double could not tell apart ({@code 12345678901234567.895} and {@code 12345678901234567.896}) are two. Integers and
 * texts are written as before, so the keys of records without decimals are those earlier versions made.
 */
public final class IdempotencyKeys {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private IdempotencyKeys() {
    }

    public static String forRecord(IntegrationSpec spec, String recordId, JsonNode record) {
        if (spec.source().idempotencyKey() != null) {
            String key = render(spec.source().idempotencyKey(), record);
            if (key != null) {
                return key;
            }
        } else {
            String version = spec.source().version() == null ? null : textAt(record, spec.source().version());
            if (version != null) {
                return recordId + "@" + version;
            }
        }
        // No version to tell changes apart: the content itself does.
        return recordId + "#" + digest(Json.writeSortedBytes(canonicalNumbers(record)));
    }

    /** The text of a scalar at a pointer (a number's canonical text), or null when absent, null or not a scalar. */
    static String textAt(JsonNode record, String pointer) {
        JsonNode value = Json.at(record, pointer);
        BigDecimal number = Numbers.exact(value);
        return number != null ? Numbers.canonical(number) : Json.textAt(record, pointer);
    }

    /** The record with every number replaced by its canonical text, written as a raw JSON number. */
    static JsonNode canonicalNumbers(JsonNode node) {
        if (node.isNumber()) {
            BigDecimal number = Numbers.exact(node);
            // Integers within the limits already are canonical: as they are, they keep the digests earlier versions made.
            return number == null || (node.isIntegralNumber() && Numbers.withinLimits(number)) ? node
                    : NODES.rawValueNode(new RawValue(Numbers.canonical(number)));
        }
        if (node.isObject()) {
            ObjectNode copy = NODES.objectNode();
            node.properties().forEach(e -> copy.set(e.getKey(), canonicalNumbers(e.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = NODES.arrayNode(node.size());
            node.forEach(item -> copy.add(canonicalNumbers(item)));
            return copy;
        }
        return node;
    }

    /** The template with every part filled in, or null when a part is absent, null or not a scalar. */
    static String render(String template, JsonNode record) {
        Matcher m = IntegrationSpec.Source.KEY_PART.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String text = textAt(record, m.group(1));
            if (text == null) {
                return null;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(text));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** First 16 hex digits of a SHA-256. */
    public static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String digest(String text) {
        return digest(text.getBytes(StandardCharsets.UTF_8));
    }
}
