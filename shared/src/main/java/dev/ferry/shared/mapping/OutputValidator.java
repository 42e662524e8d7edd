package dev.ferry.shared.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.ferry.shared.spec.IntegrationSpec;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks mapped records against the destination's JSON Schema ({@code destination.schema}) before they
 * are sent, with networknt's validator. Schemas are compiled once per integration.
 */
public final class OutputValidator {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

    /** @return every violation, empty when the record fits (or the spec has no destination schema) */
    public List<String> violations(IntegrationSpec spec, JsonNode record) {
        JsonNode schema = spec.destination().schema();
        if (schema == null) {
            return List.of();
        }
        Set<ValidationMessage> messages = compiled.computeIfAbsent(spec.name(), k -> FACTORY.getSchema(schema)).validate(record);
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }
}
