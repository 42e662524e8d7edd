package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.metrics.MetricGroup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The functions' stdout, as Lambda hands it to CloudWatch Logs: copied while a test runs (and still printed), then read
 * back line by line the way CloudWatch reads Embedded Metric Format (a JSON line with an {@code _aws} directive).
 */
final class EmfLog implements AutoCloseable {

    private final PrintStream original = System.out;
    private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

    private EmfLog() {
    }

    /** Starts copying stdout. */
    static EmfLog capture() {
        EmfLog log = new EmfLog();
        System.setOut(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                log.original.write(b);
                synchronized (log.copy) {
                    log.copy.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                log.original.write(b, off, len);
                synchronized (log.copy) {
                    log.copy.write(b, off, len);
                }
            }
        }, true, StandardCharsets.UTF_8));
        return log;
    }

    /** The EMF lines printed so far. */
    List<String> lines() {
        String all;
        synchronized (copy) {
            all = copy.toString(StandardCharsets.UTF_8);
        }
        return all.lines().filter(l -> l.startsWith("{") && l.contains("\"_aws\"")).toList();
    }

    /** Forgets what was printed so far. */
    void clear() {
        synchronized (copy) {
            copy.reset();
        }
    }

    /** Every EMF line read back as CloudWatch would: its dimension values and each metric's values. */
    List<MetricGroup> groups() {
        List<MetricGroup> groups = new ArrayList<>();
        for (String line : lines()) {
            JsonNode root;
            try {
                root = Json.MAPPER.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("an EMF line that is not JSON: " + line, e);
            }
            for (JsonNode directive : root.get("_aws").get("CloudWatchMetrics")) {
                Map<String, String> dimensions = new LinkedHashMap<>();
                for (JsonNode set : directive.get("Dimensions")) {
                    set.forEach(name -> dimensions.put(name.asText(), root.get(name.asText()).asText()));
                }
                List<MetricGroup.Metric> metrics = new ArrayList<>();
                for (JsonNode definition : directive.get("Metrics")) {
                    String name = definition.get("Name").asText();
                    JsonNode value = root.get(name);
                    List<Double> values = new ArrayList<>();
                    if (value.isArray()) {
                        value.forEach(v -> values.add(v.asDouble()));
                    } else {
                        values.add(value.asDouble());
                    }
                    MetricGroup.Unit unit = switch (definition.path("Unit").asText("Count")) {
                        case "Milliseconds" -> MetricGroup.Unit.MILLISECONDS;
                        case "Seconds" -> MetricGroup.Unit.SECONDS;
                        default -> MetricGroup.Unit.COUNT;
                    };
                    metrics.add(new MetricGroup.Metric(name, unit, values));
                }
                groups.add(new MetricGroup(dimensions, metrics));
            }
        }
        return groups;
    }

    /** Bytes of EMF written so far, newlines included. */
    long bytes() {
        return lines().stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1L).sum();
    }

    @Override
    public void close() {
        System.setOut(original);
    }
}
