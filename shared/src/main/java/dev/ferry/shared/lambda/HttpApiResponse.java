package dev.ferry.shared.lambda;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.json.Json;

import java.util.Map;

/** The answer to an HTTP API / Function URL request. Errors carry a JSON body with a reason. */
public record HttpApiResponse(int statusCode, Map<String, String> headers, String body,
                              @JsonProperty("isBase64Encoded") boolean isBase64Encoded) {

    public static HttpApiResponse json(int status, ObjectNode body) {
        return new HttpApiResponse(status, Map.of("content-type", "application/json"), Json.write(body), false);
    }

    public static HttpApiResponse error(int status, String reason) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("error", reason);
        return json(status, body);
    }
}
