package dev.ferry.shared.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.IntegrationSpec.FieldRule;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each output field comes from: the source path and the conversions applied, in order. Answers
 * "why does the destination have this value?" for any output record without re-running the mapping.
 */
public final class Lineage {

    /** @param field output path (dots for nesting, [] for array items) */
    public record Field(String field, String source, List<String> conversions) {
    }

    private Lineage() {
    }

    /** Every output field the mapping can produce. */
    public static Map<String, Field> of(Map<String, FieldRule> mapping) {
        return build(mapping, Map.of());
    }

    /** Every output field of a spec's mapping; fields with a lookup also say what it asks (URL without its query's values). */
    public static Map<String, Field> of(IntegrationSpec spec) {
        return build(spec.mapping(), spec.lookups());
    }

    private static Map<String, Field> build(Map<String, FieldRule> mapping, Map<String, IntegrationSpec.Lookup> lookups) {
        Map<String, Field> out = new LinkedHashMap<>();
        collect("", "", mapping, lookups, out);
        return out;
    }

    /** The fields actually present in one output record. */
    public static List<Field> of(Map<String, FieldRule> mapping, JsonNode output) {
        List<Field> present = new ArrayList<>();
        for (Field f : of(mapping).values()) {
            String pointer = "/" + f.field().replace("[]", "/0").replace(".", "/");
            if (!Json.at(output, pointer).isMissingNode()) {
                present.add(f);
            }
        }
        return present;
    }

    private static String lookup(String name, IntegrationSpec.Lookup declared) {
        if (declared == null) {
            return "lookup " + name;
        }
        return "lookup " + name + " (GET " + declared.url() + " -> " + declared.path() + ", not found: "
                + (declared.rejectsMissing() ? "reject" : "null") + ", cached " + declared.ttl().toSeconds() + " s)";
    }

    private static void collect(String prefix, String sourcePrefix, Map<String, FieldRule> mapping,
                                Map<String, IntegrationSpec.Lookup> lookups, Map<String, Field> out) {
        for (Map.Entry<String, FieldRule> e : mapping.entrySet()) {
            FieldRule r = e.getValue();
            String field = prefix + e.getKey();
            String source = r.value() != null ? "constant " + r.value()
                    : r.template() != null ? "template \"" + r.template() + "\"" : sourcePrefix + r.from();
            List<String> steps = new ArrayList<>();
            if (Boolean.TRUE.equals(r.flatten())) steps.add("flatten");
            if (r.each() != null) steps.add("each item mapped");
            if (r.pick() != null) steps.add("pick " + r.pick());
            if (r.split() != null) steps.add("split at \"" + r.split() + "\"");
            if (Boolean.TRUE.equals(r.trim())) steps.add("trim");
            if (r.letters() != null) steps.add(r.letters() + " case");
            if (r.lookup() != null) steps.add(lookup(r.lookup(), lookups.get(r.lookup())));
            if (r.map() != null) steps.add("value map " + r.map().keySet() + " (unknown: " + (r.unknown() == null ? "reject" : r.unknown()) + ")");
            if (r.type() != null) {
                String type = "as " + r.type();
                if (r.scale() == null && r.rounding() != null) type += " " + r.rounding();
                if (r.scale() != null) type += " scale " + r.scale() + " " + (r.rounding() == null ? "HALF_EVEN" : r.rounding());
                if (r.format() != null || r.output() != null || r.zone() != null) {
                    type += " from " + (r.format() == null ? "iso" : r.format()) + " to " + (r.output() == null ? "iso" : r.output())
                            + " in " + (r.zone() == null ? "UTC" : r.zone());
                }
                steps.add(type);
            }
            if (r.isRequired()) steps.add("required");
            if (r.ifAbsent() != null) steps.add("absent: " + r.ifAbsent());
            if (r.ifNull() != null) steps.add("null: " + r.ifNull());
            if (r.ifEmpty() != null) steps.add("empty: " + r.ifEmpty());
            if (r.defaultValue() != null) steps.add("default " + r.defaultValue());
            out.put(field, new Field(field, source, List.copyOf(steps)));
            if (r.each() != null) {
                collect(field + "[].", (r.from() == null ? "" : r.from()) + "/*", r.each(), lookups, out);
            }
        }
    }
}
