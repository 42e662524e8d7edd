package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.fetch.FetchFunction;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.LocalLambdaContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Lambda's deadline reaches every step the same way. Inside fetch, quick retries of a failing source must stop
 * within the invocation's remaining time (here 5 s), not within a 60 s default, and the record goes back to SQS.
 */
class InvocationDeadlineTest {

    @TempDir
    static Path specs;

    static AwsEmulators aws;
    static FakeApi crm;
    static LocalFerry ferry;

    @BeforeAll
    static void start() throws Exception {
        aws = AwsEmulators.builder().visibilityTimeoutSeconds(2).maxReceiveCount(5).start();
        crm = FakeApi.start();
        crm.on("GET", "/contacts/*", FakeApi.Reply.json(500, "{\"error\":\"down\"}"));
        Files.writeString(specs.resolve("slow-source.yaml"), """
                name: slow-source
                description: a source that keeps failing, with generous quick retries
                source:
                  recordId: /id
                  get: { url: "${crm.url}/contacts/{id}" }
                webhook:
                  mode: thin
                  deliveryIdHeader: X-Delivery
                  signature: { header: X-Signature, prefix: "sha256=", secret: ferry/test/webhook, field: key }
                mapping:
                  id: { from: /id, required: true }
                destination:
                  method: PUT
                  url: "${crm.url}/out/{recordId}"
                limits:
                  source: { retries: 6, retryDelayMs: 1000 }
                """);
        Map<String, String> settings = new HashMap<>();
        settings.put("crm.url", crm.baseUrl());
        settings.put(FerryConfig.INTEGRATIONS_DIR, specs.toString());
        settings.put(FerryConfig.RETRY_BASE_DELAY, "0");
        ferry = new LocalFerry(aws, settings); // no pollers: the test invokes fetch itself
    }

    @AfterAll
    static void stop() {
        if (ferry != null) ferry.close();
        if (crm != null) crm.close();
        if (aws != null) aws.close();
    }

    @Test
    void fetchStopsQuickRetriesWithinTheInvocationsRemainingTime() throws Exception {
        ObjectNode event = (ObjectNode) Json.MAPPER.readTree(Files.readString(WebhookEvents.REPO.resolve("events/fetch-sqs.json")));
        ObjectNode record = (ObjectNode) event.get("Records").get(0);
        ObjectNode envelope = (ObjectNode) Json.MAPPER.readTree(record.get("body").asText());
        envelope.put("integration", "slow-source");
        record.put("body", Json.write(envelope));
        ((ObjectNode) record.get("messageAttributes").get("ferry-integration")).put("stringValue", "slow-source");
        FetchFunction fetch = new FetchFunction(ferry.runtime().fetchStep());

        Duration timeout = Duration.ofSeconds(5);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long started = System.nanoTime();
        fetch.handleRequest(new ByteArrayInputStream(Json.write(event).getBytes(StandardCharsets.UTF_8)), out,
                new LocalLambdaContext("ferry-fetch", timeout));
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        assertThat(tookMs).as("fetch answered within the invocation's %d ms (took %d ms, %d source calls)",
                timeout.toMillis(), tookMs, crm.requests("GET", "/contacts/").size()).isLessThan(timeout.toMillis());
        assertThat(crm.requests("GET", "/contacts/")).as("it did try, and retried").hasSizeGreaterThan(1);
        JsonNode answer = Json.MAPPER.readTree(out.toByteArray());
        // Handed back: re-sent to the fetch queue with its failure, or left to SQS as a batch item failure.
        assertThat(aws.depth(FerryConfig.Queue.FETCH) + answer.get("batchItemFailures").size()).isEqualTo(1);
    }
}
