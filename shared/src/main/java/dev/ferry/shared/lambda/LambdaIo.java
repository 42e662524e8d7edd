package dev.ferry.shared.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Reads events and writes answers for stream handlers. Ferry's handlers take the raw event stream so
 * that the same bytes Lambda delivers are parsed the same way everywhere (Lambda, tests, local runner).
 */
public final class LambdaIo {

    private LambdaIo() {
    }

    public static JsonNode readTree(InputStream in) throws IOException {
        return Json.MAPPER.readTree(in);
    }

    public static <T> T convert(JsonNode event, Class<T> type) throws IOException {
        return Json.MAPPER.treeToValue(event, type);
    }

    public static void write(OutputStream out, Object answer) throws IOException {
        Json.MAPPER.writeValue(out, answer);
    }

    /** SQS events are recognised by their Records[].eventSource. */
    public static boolean isSqsEvent(JsonNode event) {
        JsonNode records = event.get("Records");
        return records != null && records.isArray()
                && (records.isEmpty() || "aws:sqs".equals(records.get(0).path("eventSource").asText()));
    }
}
