package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ferry.shared.config.FerryConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQS triggers in {@code infra/template.yaml} keep the rules Lambda enforces only at deploy time (cfn-lint
 * does not check them): a batch size above 10 needs a batching window of at least 1 s, a batch size is at most
 * 10000, and a queue's visibility timeout is at least its function's timeout — plus the batching window, or
 * messages received first would come back while the batch is still being gathered. The idempotency lease outlasts
 * the deliver function, so a claim cannot lapse while its invocation still runs.
 */
class SqsTriggersTest {

    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everySqsTriggerKeepsLambdasBatchingRules() throws Exception {
        // The CloudFormation short tags (!Ref, !GetAtt) are read as plain values.
        JsonNode template = new YAMLMapper().readTree(Files.readString(REPO.resolve("infra/template.yaml")));
        int globalTimeout = template.at("/Globals/Function/Timeout").asInt();
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, JsonNode> resource : template.get("Resources").properties()) {
            JsonNode function = resource.getValue();
            if (!function.path("Type").asText().equals("AWS::Serverless::Function")) {
                continue;
            }
            int timeout = function.at("/Properties/Timeout").asInt(globalTimeout);
            for (Map.Entry<String, JsonNode> event : function.at("/Properties/Events").properties()) {
                if (!event.getValue().path("Type").asText().equals("SQS")) {
                    continue;
                }
                String at = resource.getKey() + "." + event.getKey();
                JsonNode properties = event.getValue().get("Properties");
                int batchSize = properties.path("BatchSize").asInt(10);
                int window = properties.path("MaximumBatchingWindowInSeconds").asInt(0);
                assertThat(batchSize).as(at + " BatchSize").isBetween(1, 10_000);
                assertThat(window).as(at + " MaximumBatchingWindowInSeconds").isBetween(0, 300);
                if (batchSize > 10) {
                    assertThat(window).as(at + ": a batch size above 10 needs a batching window of at least 1 s").isPositive();
                }
                assertThat(properties.path("FunctionResponseTypes").toString()).as(at).contains("ReportBatchItemFailures");
                String queue = properties.path("Queue").asText().replace(".Arn", "");
                int visibility = template.at("/Resources/" + queue + "/Properties/VisibilityTimeout").asInt(30);
                assertThat(visibility).as(queue + " visibility timeout vs " + resource.getKey() + " timeout + batching window")
                        .isGreaterThanOrEqualTo(timeout + window);
                checked.add(at + " " + batchSize + "/" + window + "s");
                if (resource.getKey().equals("DeliverFunction")) {
                    long lease = FerryConfig.of(Map.of()).lease().toSeconds();
                    assertThat(lease).as("idempotency lease vs deliver timeout").isGreaterThan(timeout);
                    assertThat(batchSize).as("deliver batches room for bulk requests").isGreaterThan(10);
                }
            }
        }
        assertThat(checked).as("fetch, transform and deliver triggers").hasSize(3);
    }
}
