package dev.ferry.shared.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The one JSON mapper of Ferry: ISO-8601 instants, no nulls written for absent optional fields. */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private Json() {
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] writeBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Object keys in sorted order, for digests that must not depend on key order. */
    public static byte[] writeSortedBytes(JsonNode node) {
        try {
            return MAPPER.writer().with(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.WRITE_PROPERTIES_SORTED)
                    .writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T> T read(String json, Class<T> type) throws IOException {
        return MAPPER.readValue(json, type);
    }

    public static JsonNode tree(byte[] json) throws IOException {
        return MAPPER.readTree(json);
    }

    /** Compiled pointers: they come from specs (a few hundred at most), and compiling one per record showed in profiles. */
    private static final java.util.concurrent.ConcurrentHashMap<String, JsonPointer> POINTERS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_CACHED_POINTERS = 10_000;

    /** A JSON Pointer ("/a/b/0"); "" or "/" means the whole document. */
    public static JsonNode at(JsonNode node, String pointer) {
        if (pointer == null || pointer.isEmpty() || pointer.equals("/")) {
            return node;
        }
        JsonPointer compiled = POINTERS.get(pointer);
        if (compiled == null) {
            compiled = JsonPointer.compile(pointer);
            if (POINTERS.size() < MAX_CACHED_POINTERS) {
                POINTERS.putIfAbsent(pointer, compiled);
            }
        }
        return node.at(compiled);
    }

    /** The text of a scalar at a pointer, or null when absent, null or not a scalar. */
    public static String textAt(JsonNode node, String pointer) {
        JsonNode value = at(node, pointer);
        return value != null && value.isValueNode() && !value.isNull() ? value.asText() : null;
    }
}
