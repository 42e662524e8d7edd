package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ferry.shared.metrics.StepMetrics;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The template's observability block stays whole as integrations and APIs come and go: an error-ratio alarm for every
 * declared API a shipped integration calls, a poll-lag alarm for every scheduled integration, and a dashboard whose
 * body is JSON drawing only metrics Ferry writes.
 */
class ObservabilityTemplateTest {

    static final Pattern METRIC_NAME = Pattern.compile("MetricName=\\\\?\"([A-Za-z]+)\\\\?\"");

    static JsonNode template() throws Exception {
        return new YAMLMapper().readTree(Files.readString(PipelineEndToEndTest.REPO.resolve("infra/template.yaml")));
    }

    static IntegrationRegistry shipped() {
        return IntegrationRegistry.load(new SpecLoader(key -> Optional.empty(), false),
                List.of(PipelineEndToEndTest.REPO.resolve("integrations")));
    }

    @Test
    void everyDeclaredApiCalledByAShippedIntegrationHasAnErrorRatioAlarm() throws Exception {
        JsonNode resources = template().path("Resources");
        Set<String> apis = new TreeSet<>();
        for (IntegrationSpec spec : shipped().all()) {
            if (spec.source() != null && spec.source().api() != null) {
                apis.add(spec.source().api());
            }
            if (spec.destination() != null && spec.destination().api() != null) {
                apis.add(spec.destination().api());
            }
            spec.lookups().values().stream().filter(l -> l.api() != null).forEach(l -> apis.add(l.api()));
        }
        assertThat(apis).isNotEmpty();
        List<String> alarmed = new ArrayList<>();
        resources.properties().forEach(e -> {
            if (e.getKey().endsWith("ApiErrorRatioAlarm")) {
                alarmed.add(e.getValue().at("/Properties/Metrics/0/MetricStat/Metric/Dimensions/0/Value").asText());
            }
        });
        assertThat(alarmed).containsExactlyInAnyOrderElementsOf(apis);
        for (String api : apis) {
            JsonNode alarm = resources.path(IntegrationSchedulesTest.pascal(api) + "ApiErrorRatioAlarm").path("Properties");
            assertThat(alarm.at("/Metrics/0/MetricStat/Metric/MetricName").asText()).isEqualTo(StepMetrics.API_CALLS);
            assertThat(alarm.at("/Metrics/1/MetricStat/Metric/MetricName").asText()).isEqualTo(StepMetrics.API_RESPONSES);
            assertThat(alarm.path("Metrics").toString()).contains("\"5xx\"", "\"timeout\"", "\"error\"");
        }
    }

    @Test
    void everyScheduledIntegrationHasAPollLagAlarm() throws Exception {
        JsonNode resources = template().path("Resources");
        List<String> scheduled = shipped().all().stream().filter(s -> s.schedule() != null).map(IntegrationSpec::name).toList();
        List<String> alarmed = new ArrayList<>();
        resources.properties().forEach(e -> {
            if (e.getKey().endsWith("PollLagAlarm")) {
                assertThat(e.getValue().at("/Properties/MetricName").asText()).isEqualTo(StepMetrics.POLL_LAG);
                alarmed.add(e.getValue().at("/Properties/Dimensions/0/Value").asText());
            }
        });
        assertThat(alarmed).isNotEmpty().containsExactlyInAnyOrderElementsOf(scheduled);
    }

    @Test
    void theDashboardIsJsonAndDrawsOnlyMetricsFerryWrites() throws Exception {
        JsonNode dashboard = template().at("/Resources/Dashboard/Properties");
        // !Sub is read as a plain value; its ${...} references stand in for the stack's names.
        String body = dashboard.path("DashboardBody").asText().replaceAll("\\$\\{[^}]+}", "x");
        JsonNode widgets = new ObjectMapper().readTree(body).path("widgets");
        assertThat(widgets.size()).isGreaterThan(10);
        Set<String> written = new TreeSet<>();
        for (Field f : StepMetrics.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && Character.isUpperCase(((String) f.get(null)).charAt(0))
                    && !f.getName().contains("UNKNOWN")) {
                written.add((String) f.get(null));
            }
        }
        Set<String> drawn = new TreeSet<>();
        Matcher m = METRIC_NAME.matcher(body);
        while (m.find()) {
            drawn.add(m.group(1));
        }
        assertThat(drawn).isNotEmpty();
        assertThat(written).containsAll(drawn);
        assertThat(drawn).contains(StepMetrics.DELIVERED, StepMetrics.DEAD_LETTERED, StepMetrics.DEFERRED, StepMetrics.API_CALLS,
                StepMetrics.API_LATENCY, StepMetrics.BUDGET_WAITS, StepMetrics.POLL_LAG);
        assertThat(body).contains("ApproximateNumberOfMessagesVisible", "ApproximateAgeOfOldestMessage", "'p99'", "'p50'");
    }
}
