package dev.ferry.shared.mapping;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Field-by-field difference of an expected and an actual record: one line per leaf that differs, named by its
 * dotted path ({@code billing.city}, {@code lines[1].sku}), so a failed example says where, not only that.
 */
public final class FieldDiff {

    private FieldDiff() {
    }

    /** 12.5 written in YAML equals the decimal 12.50 a mapping produced: numbers compare by value. */
    static final Comparator<JsonNode> SAME_NUMBER = (a, b) -> a.isNumber() && b.isNumber()
            ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;

    /** Whether the two are the same record (numbers by value). */
    public static boolean same(JsonNode expected, JsonNode actual) {
        return expected.equals(SAME_NUMBER, actual);
    }

    /** The lines for {@code expected} vs {@code actual}; empty when they are the same (numbers by value). */
    public static List<String> of(JsonNode expected, JsonNode actual) {
        List<String> out = new java.util.ArrayList<>();
        collect("", expected, actual, SAME_NUMBER, out);
        return out;
    }

    private static void collect(String path, JsonNode expected, JsonNode actual, Comparator<JsonNode> same, List<String> out) {
        String at = path.isEmpty() ? "(record)" : path;
        if (expected == null || expected.isMissingNode()) {
            out.add(at + ": not expected, got " + actual);
        } else if (actual == null || actual.isMissingNode()) {
            out.add(at + ": missing, expected " + expected);
        } else if (expected.isObject() && actual.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                collect(path.isEmpty() ? name : path + "." + name, expected.get(name), actual.get(name), same, out);
            }
        } else if (expected.isArray() && actual.isArray()) {
            Iterator<JsonNode> e = expected.elements();
            Iterator<JsonNode> a = actual.elements();
            for (int i = 0; e.hasNext() || a.hasNext(); i++) {
                collect(path + "[" + i + "]", e.hasNext() ? e.next() : null, a.hasNext() ? a.next() : null, same, out);
            }
        } else if (!expected.equals(same, actual)) {
            out.add(at + ": expected " + expected + ", got " + actual);
        }
    }
}
