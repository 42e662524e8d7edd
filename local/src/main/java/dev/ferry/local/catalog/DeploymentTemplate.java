package dev.ferry.local.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the catalog takes from {@code infra/template.yaml}: the SQS queues with their DLQs, the DynamoDB tables and the
 * EventBridge schedules per integration. Physical names are given with the template's default {@code NamePrefix}.
 * Read as plain YAML: CloudFormation's short tags ({@code !Ref}, {@code !Sub}, {@code !GetAtt}) arrive as their values.
 */
public record DeploymentTemplate(String file, List<Queue> queues, List<Table> tables, Map<String, Schedule> schedules) {

    /** @param deadLetterQueue the logical id of its DLQ (null for a DLQ itself) */
    public record Queue(String logicalId, String name, String deadLetterQueue, boolean deadLetter, String description) {
    }

    public record Table(String logicalId, String name, String description) {
    }

    /** @param integration the integration the schedule's input names */
    public record Schedule(String event, String name, String expression, String integration, int retries, String deadLetterQueue) {
    }

    /** No template (a repository without {@code infra/}): the catalog then lists no queues, tables or template schedules. */
    public static final DeploymentTemplate NONE = new DeploymentTemplate(null, List.of(), List.of(), Map.of());

    /** Reads the template at {@code file}; {@link #NONE} if it does not exist. */
    public static DeploymentTemplate read(Path file, String shownAs) {
        if (!Files.isRegularFile(file)) {
            return NONE;
        }
        try {
            return parse(shownAs, new YAMLMapper().readTree(Files.readString(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(shownAs + ": cannot read the template: " + e.getMessage(), e);
        }
    }

    static DeploymentTemplate parse(String file, JsonNode template) {
        String prefix = template.at("/Parameters/NamePrefix/Default").asText("ferry");
        JsonNode resources = template.path("Resources");
        List<Queue> queues = new ArrayList<>();
        List<Table> tables = new ArrayList<>();
        Map<String, Schedule> schedules = new LinkedHashMap<>();
        Map<String, String> dlqOf = new LinkedHashMap<>();
        resources.properties().forEach(e -> {
            JsonNode props = e.getValue().path("Properties");
            switch (e.getValue().path("Type").asText()) {
                case "AWS::SQS::Queue" -> {
                    String dlq = props.at("/RedrivePolicy/deadLetterTargetArn").asText(null);
                    queues.add(new Queue(e.getKey(), physical(props.path("QueueName").asText(e.getKey()), prefix),
                            dlq == null ? null : dlq.replace(".Arn", ""), props.has("RedriveAllowPolicy"), null));
                }
                case "AWS::DynamoDB::Table" -> tables.add(new Table(e.getKey(), physical(props.path("TableName").asText(e.getKey()), prefix),
                        null));
                case "AWS::Serverless::Function" -> props.path("Events").properties().forEach(ev -> {
                    JsonNode p = ev.getValue().path("Properties");
                    if (ev.getValue().path("Type").asText().equals("ScheduleV2")) {
                        String integration = integrationOf(p.path("Input").asText(""));
                        String dlq = p.at("/DeadLetterConfig/Arn").asText(null);
                        schedules.put(integration == null ? ev.getKey() : integration, new Schedule(ev.getKey(),
                                physical(p.path("Name").asText(ev.getKey()), prefix), p.path("ScheduleExpression").asText(null), integration,
                                p.at("/RetryPolicy/MaximumRetryAttempts").asInt(0), dlq == null ? null : dlq.replace(".Arn", "")));
                    }
                });
                default -> { }
            }
        });
        queues.forEach(q -> dlqOf.put(q.logicalId(), q.name()));
        return new DeploymentTemplate(file, queues.stream().map(q -> new Queue(q.logicalId(), q.name(), q.deadLetterQueue(), q.deadLetter(),
                describe(q, dlqOf))).toList(), tables.stream().map(t -> new Table(t.logicalId(), t.name(), describe(t))).toList(), schedules);
    }

    public Optional<Queue> queue(String logicalId) {
        return queues.stream().filter(q -> q.logicalId().equals(logicalId)).findFirst();
    }

    private static String describe(Queue q, Map<String, String> names) {
        if (q.deadLetterQueue() != null) {
            return "work queue; after the receive limit, messages go to " + names.getOrDefault(q.deadLetterQueue(), q.deadLetterQueue());
        }
        return q.logicalId().startsWith("Schedule") ? "dead letters of schedule invocations the scheduler could not deliver"
                : "dead-letter queue";
    }

    private static String describe(Table t) {
        return switch (t.logicalId()) {
            case "IdempotencyTable" -> "idempotency records: one per (integration, step, key)";
            case "StateTable" -> "cursors, leases of scheduled runs and shared rate-limit budgets";
            default -> "DynamoDB table";
        };
    }

    /** {@code ${NamePrefix}-fetch} with the template's default prefix. */
    private static String physical(String name, String prefix) {
        return name.replace("${NamePrefix}", prefix);
    }

    private static String integrationOf(String input) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(input).at("/detail/integration").asText(null);
        } catch (IOException e) {
            return null;
        }
    }
}
