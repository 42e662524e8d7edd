package dev.ferry.shared.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON mapper of Ferry.
 * <ul>
 *   <li><b>Exact numbers</b>: every non-integer number is read as a {@link java.math.BigDecimal} with the digits
 *       and scale it arrived with (never a {@code double}), integers as int/long/BigInteger, and written back with
 *       the same digits. A rule in a mapping is the only thing that may convert a number.</li>
 *   <li><b>Strict JSON</b>: one document, nothing after it, and a duplicate object key is an error (a record
 *       whose meaning depends on which duplicate a parser keeps is refused, not guessed at).</li>
 *   <li><b>Text any queue accepts</b>: SQS refuses characters outside XML's range (lone surrogates, U+FFFE,
 *       U+FFFF) in a message body. Ferry writes every surrogate and those two non-characters as JSON escapes,
 *       so the value is identical and the text is valid wherever it goes (queues, dead letters, destinations).</li>
 *   <li>ISO-8601 instants; no nulls written for absent optional fields.</li>
 * </ul>
 */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder(new JsonFactoryBuilder()
                    .characterEscapes(new QueueSafeEscapes())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // keep "12.50" as 12.50 (scale 2), not 12.5: the digits a record arrived with are part of its value
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
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
            return MAPPER.writer().with(JsonNodeFeature.WRITE_PROPERTIES_SORTED).writeValueAsBytes(node);
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

    /**
     * Parses bytes that came from outside (a webhook body, an API's answer) as exactly one JSON document in
     * strict UTF-8: no byte-order mark, no overlong or surrogate encodings, nothing after the document, no
     * duplicate keys. Anything else is a {@link MalformedJsonException} whose message is a reason a person can
     * act on (it names the position, never quotes the content).
     */
    public static JsonNode parseStrict(byte[] body) throws MalformedJsonException {
        if (body == null || body.length == 0) {
            throw new MalformedJsonException("the body is empty; expected one JSON document");
        }
        checkUtf8(body);
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw new MalformedJsonException("the body holds no JSON document");
            }
            return node;
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new MalformedJsonException("not valid JSON" + where + ": " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new MalformedJsonException("not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    /** Java's decoder is strict (overlong forms, encoded surrogates and bytes past U+10FFFF are errors). */
    private static void checkUtf8(byte[] body) throws MalformedJsonException {
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            throw new MalformedJsonException("the body starts with a byte-order mark; JSON must not (RFC 8259 section 8.1)");
        }
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        var in = ByteBuffer.wrap(body);
        try {
            decoder.decode(in);
        } catch (CharacterCodingException e) {
            throw new MalformedJsonException("not valid UTF-8 at byte " + in.position());
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
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
        if (value == null || !value.isValueNode() || value.isNull()) {
            return null;
        }
        if (value.isBigDecimal()) {
            // A record id or lookup value of 1e3 is "1000", not BigDecimal's "1E+3"; 12.50 stays "12.50". Beyond the number
            // limits the exponent form stays (the plain one could be gigabytes).
            java.math.BigDecimal exact = value.decimalValue();
            return Numbers.withinLimits(exact) ? exact.toPlainString() : exact.toString();
        }
        return value.asText();
    }

    /** A JSON document that is not one well-formed, strictly encoded document. */
    public static final class MalformedJsonException extends Exception {
        public MalformedJsonException(String reason) {
            super(reason);
        }
    }

    /**
     * Escapes what SQS refuses in a message body (XML 1.0's excluded characters). Surrogates are escaped one half
     * at a time: the generator sees chars, not code points, so a valid pair becomes two escapes, which decode to the
     * same character; a lone half, which cannot be written as UTF-8 at all, stays the same value.
     */
    static final class QueueSafeEscapes extends CharacterEscapes {
        private static final int[] ASCII = standardAsciiEscapesForJSON();

        @Override
        public int[] getEscapeCodesForAscii() {
            return ASCII;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if ((ch >= 0xD800 && ch <= 0xDFFF) || ch == 0xFFFE || ch == 0xFFFF) {
                return new SerializedString(String.format("\\u%04x", ch));
            }
            return null;
        }
    }
}
