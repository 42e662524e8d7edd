package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every shipped integration with a {@code schedule} has its EventBridge Scheduler schedule in
 * {@code infra/template.yaml}, with the spec's expression, its name in the input, a retry policy and
 * the schedule DLQ; and the template schedules nothing that is not a scheduled integration.
 */
class IntegrationSchedulesTest {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void eachScheduledIntegrationHasItsScheduleInTheTemplate() throws Exception {
        IntegrationRegistry integrations = IntegrationRegistry.load(new SpecLoader(key -> Optional.empty(), false),
                List.of(REPO.resolve("integrations")));
        // The CloudFormation short tags (!Ref, !Sub, !GetAtt) are read as plain values.
        JsonNode template = new YAMLMapper().readTree(Files.readString(REPO.resolve("infra/template.yaml")));
        JsonNode events = template.at("/Resources/FetchFunction/Properties/Events");
        List<String> scheduledInTemplate = new ArrayList<>();
        events.properties().forEach(e -> {
            if (e.getValue().path("Type").asText().equals("ScheduleV2")) {
                scheduledInTemplate.add(e.getKey());
            }
        });

        List<String> expected = new ArrayList<>();
        for (IntegrationSpec spec : integrations.all()) {
            if (spec.schedule() == null) {
                continue;
            }
            String event = pascal(spec.name()) + "Schedule";
            expected.add(event);
            JsonNode schedule = events.path(event).path("Properties");
            assertThat(schedule.isMissingNode()).as("infra/template.yaml lacks FetchFunction event %s for %s", event, spec.name()).isFalse();
            assertThat(schedule.path("ScheduleExpression").asText()).as(event).isEqualTo(spec.schedule());
            assertThat(schedule.path("Name").asText()).isEqualTo("${NamePrefix}-fetch-" + spec.name());
            JsonNode input = new com.fasterxml.jackson.databind.ObjectMapper().readTree(schedule.path("Input").asText());
            assertThat(input.at("/detail/integration").asText()).isEqualTo(spec.name());
            assertThat(schedule.at("/RetryPolicy/MaximumRetryAttempts").asInt()).isPositive();
            assertThat(schedule.at("/DeadLetterConfig/Arn").asText()).isEqualTo("ScheduleDeadLetterQueue.Arn");
        }
        assertThat(expected).as("the shipped integrations include a scheduled one").isNotEmpty();
        assertThat(scheduledInTemplate).containsExactlyInAnyOrderElementsOf(expected);
    }

    static String pascal(String name) {
        StringBuilder out = new StringBuilder();
        for (String part : name.split("-")) {
            out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return out.toString();
    }
}
