package dev.ferry.shared.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The key that makes a repeated delivery of the same version of a record a no-op: the record id plus
 * the spec's version field when it has one (e.g. updated_at), else a digest of the record's content,
 * so a changed record is delivered again and an unchanged one is not.
 */
public final class IdempotencyKeys {

    private IdempotencyKeys() {
    }

    public static String forRecord(IntegrationSpec spec, String recordId, JsonNode record) {
        String version = spec.source().version() == null ? null : Json.textAt(record, spec.source().version());
        return version != null ? recordId + "@" + version : recordId + "#" + digest(Json.writeSortedBytes(record));
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
