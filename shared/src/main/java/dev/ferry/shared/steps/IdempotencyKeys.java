package dev.ferry.shared.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec;

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
 */
public final class IdempotencyKeys {

    private IdempotencyKeys() {
    }

    public static String forRecord(IntegrationSpec spec, String recordId, JsonNode record) {
        if (spec.source().idempotencyKey() != null) {
            String key = render(spec.source().idempotencyKey(), record);
            if (key != null) {
                return key;
            }
        } else {
            String version = spec.source().version() == null ? null : Json.textAt(record, spec.source().version());
            if (version != null) {
                return recordId + "@" + version;
            }
        }
        // No version to tell changes apart: the content itself does.
        return recordId + "#" + digest(Json.writeSortedBytes(record));
    }

    /** The template with every part filled in, or null when a part is absent, null or not a scalar. */
    static String render(String template, JsonNode record) {
        Matcher m = IntegrationSpec.Source.KEY_PART.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String text = Json.textAt(record, m.group(1));
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
