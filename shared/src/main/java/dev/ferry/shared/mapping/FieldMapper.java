package dev.ferry.shared.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec;

import java.util.Map;

/**
 * Applies a spec's field mapping to one source record: copies from JSON Pointers (nested paths),
 * sets constants, and writes nested output fields for names with dots ({@code billing.city}).
 * A required field that is absent or null fails the record with the field and path named.
 */
public final class FieldMapper {

    public ObjectNode map(Map<String, IntegrationSpec.FieldRule> mapping, JsonNode source) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, IntegrationSpec.FieldRule> e : mapping.entrySet()) {
            String field = e.getKey();
            IntegrationSpec.FieldRule rule = e.getValue();
            JsonNode value;
            if (rule.value() != null) {
                value = rule.value();
            } else {
                value = Json.at(source, rule.from());
                if (value.isMissingNode() || value.isNull()) {
                    if (rule.isRequired()) {
                        throw new MappingException(field, rule.from(),
                                value.isMissingNode() ? "required but absent in the source record" : "required but null in the source record");
                    }
                    if (value.isMissingNode()) {
                        continue; // absent stays absent
                    }
                }
            }
            put(out, field, value.deepCopy());
        }
        return out;
    }

    private static void put(ObjectNode out, String field, JsonNode value) {
        String[] parts = field.split("\\.");
        ObjectNode node = out;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            node = child instanceof ObjectNode o ? o : node.putObject(parts[i]);
        }
        node.set(parts[parts.length - 1], value);
    }
}
