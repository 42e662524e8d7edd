package dev.ferry.shared.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The library's real output, read back from stdout as CloudWatch would read it from the log stream. */
class EmfMetricsTest {

    static List<String> stdoutOf(Runnable work) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            work.run();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void eachGroupIsOneEmfLineWithOnlyFerrysDimensions() throws Exception {
        StepMetrics metrics = StepMetrics.collecting();
        metrics.recordIn("crm-contacts", "deliver");
        metrics.recordIn("crm-contacts", "deliver");
        metrics.delivered("crm-contacts", "deliver");
        metrics.apiCall("billing", StepMetrics.StatusClass.S2XX, 14);
        metrics.apiCall("billing", StepMetrics.StatusClass.S2XX, 20);
        List<MetricGroup> groups = metrics.drain();

        List<String> lines = stdoutOf(() -> new EmfMetrics("Ferry/test").publish(groups));

        assertThat(lines).hasSize(groups.size());
        JsonNode first = Json.MAPPER.readTree(lines.getFirst());
        JsonNode directive = first.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(directive.get("Namespace").asText()).isEqualTo("Ferry/test");
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"Integration\",\"Step\"]]");
        assertThat(directive.get("Metrics").toString()).contains("{\"Name\":\"RecordsIn\",\"Unit\":\"Count\"}");
        assertThat(first.get("Integration").asText()).isEqualTo("crm-contacts");
        assertThat(first.get("RecordsIn").asDouble()).isEqualTo(2);
        assertThat(first.get("Delivered").asDouble()).isEqualTo(1);
        assertThat(first.has("LogGroup")).as("no library default dimensions").isFalse();
        assertThat(first.get("_aws").get("Timestamp").asLong()).isPositive();

        JsonNode api = lines.stream().map(EmfMetricsTest::tree).filter(n -> n.has("ApiLatency")).findFirst().orElseThrow();
        assertThat(api.get("ApiLatency").toString()).isEqualTo("[14.0,20.0]");
        assertThat(api.get("_aws").get("CloudWatchMetrics").get(0).get("Metrics").toString()).contains("Milliseconds");
    }

    @Test
    void metricsCanBeSwitchedOffAndTheNamespaceComesFromConfiguration() {
        assertThat(EmfMetrics.fromConfig(FerryConfig.of(Map.of(FerryConfig.METRICS_ENABLED, "false")))).isSameAs(MetricsSink.NONE);
        MetricsSink sink = EmfMetrics.fromConfig(FerryConfig.of(Map.of(FerryConfig.METRICS_NAMESPACE, "Ferry/prod")));
        assertThat(((EmfMetrics) sink).namespace()).isEqualTo("Ferry/prod");
        assertThat(((EmfMetrics) EmfMetrics.fromConfig(FerryConfig.of(Map.of()))).namespace()).isEqualTo("Ferry");
    }

    @Test
    void aValueTheLibraryRefusesCostsThatGroupOnlyNeverTheCaller() {
        StepMetrics metrics = StepMetrics.collecting();
        metrics.recordIn("caf\u00e9", "deliver"); // not ASCII: EMF refuses the dimension value
        metrics.recordIn("crm", "deliver");
        List<MetricGroup> groups = metrics.drain();

        List<String> lines = stdoutOf(() -> new EmfMetrics("Ferry").publish(groups));

        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).contains("\"Integration\":\"crm\"");
    }

    private static JsonNode tree(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
