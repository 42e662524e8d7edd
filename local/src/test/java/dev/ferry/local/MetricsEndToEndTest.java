package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.api.Traceparent;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.metrics.InMemoryMetrics;
import dev.ferry.shared.metrics.MetricGroup;
import dev.ferry.shared.metrics.StepMetrics;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.FakeApi.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.ferry.shared.metrics.StepMetrics.DEAD_LETTERED;
import static dev.ferry.shared.metrics.StepMetrics.DEFERRED;
import static dev.ferry.shared.metrics.StepMetrics.DELIVERED;
import static dev.ferry.shared.metrics.StepMetrics.DUPLICATES;
import static dev.ferry.shared.metrics.StepMetrics.FORWARDED;
import static dev.ferry.shared.metrics.StepMetrics.RECORDS_IN;
import static dev.ferry.shared.metrics.StepMetrics.RETRIED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metrics as CloudWatch would get them: the four real functions run a mixed batch (good records, a duplicate, a
 * destination failing with 500 and 422, an unmappable record, bad webhooks, a thin webhook and a poll) over the
 * emulators, their stdout is read back as Embedded Metric Format, and every count must equal what the destination
 * API, the source API and the dead-letter queues saw. Also: the destination receives each record's trace id in a W3C
 * {@code traceparent}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsEndToEndTest {

    static final String WEBHOOK_KEY = "metrics-webhook-key-31c9";
    static final String CRM_TOKEN = "metrics-crm-token-8e10";
    static final String BILLING_KEY = "metrics-billing-key-4d27";
    static final int MAX_ATTEMPTS = 3;
    static final String CONTACTS = "sandbox-contacts";
    static final Set<String> FAILING = Set.of("/customers/c-m-500a", "/customers/c-m-500b", "/customers/c-m-422");

    static AwsEmulators aws;
    static FakeApi crm;
    static FakeApi billing;
    static LocalFerry ferry;
    static EmfLog stdout;

    @BeforeAll
    static void start() {
        stdout = EmfLog.capture();
        aws = AwsEmulators.builder().visibilityTimeoutSeconds(2).maxReceiveCount(5).start();
        crm = FakeApi.start();
        billing = FakeApi.start();
        aws.putSecret("ferry/sandbox/webhook", "{\"key\":\"" + WEBHOOK_KEY + "\"}");
        aws.putSecret("ferry/sandbox/crm", "{\"token\":\"" + CRM_TOKEN + "\"}");
        aws.putSecret("ferry/sandbox/billing", "{\"apiKey\":\"" + BILLING_KEY + "\"}");
        Map<String, String> settings = new HashMap<>();
        settings.put("sandbox.crm.url", crm.baseUrl());
        settings.put("sandbox.billing.url", billing.baseUrl());
        settings.put(FerryConfig.INTEGRATIONS_DIR, WebhookEvents.REPO.resolve("sandbox/integrations").toString());
        settings.put(FerryConfig.RETRY_BASE_DELAY, "0");
        settings.put(FerryConfig.MAX_ATTEMPTS, Integer.toString(MAX_ATTEMPTS));
        ferry = new LocalFerry(aws, settings).startPollers();
    }

    @AfterAll
    static void stop() {
        if (ferry != null) ferry.close();
        if (crm != null) crm.close();
        if (billing != null) billing.close();
        if (aws != null) aws.close();
        if (stdout != null) stdout.close();
    }

    static String contact(String id, String email) {
        return "{\"id\":\"" + id + "\",\"name\":\"Ada\",\"email\":" + (email == null ? "null" : "\"" + email + "\"")
                + ",\"plan\":\"pro\",\"updated_at\":\"2026-11-20T10:00:00Z\",\"address\":{\"city\":\"London\",\"country\":\"GB\"}}";
    }

    /** A signed webhook carrying a trace of its own; answers the HTTP status. */
    static int send(String integration, String body, String deliveryId, String trace) throws IOException {
        ObjectNode event = WebhookEvents.signed(integration, body, deliveryId, "sandbox", WEBHOOK_KEY);
        ((ObjectNode) event.get("headers")).put("traceparent", "00-" + trace + "-00f067aa0ba902b7-01");
        return ferry.invokeWebhook(Json.write(event)).get("statusCode").asInt();
    }

    static void awaitQuiet() {
        assertThat(dev.ferry.testing.Await.quiet(aws, Duration.ofSeconds(60),
                FerryConfig.Queue.FETCH, FerryConfig.Queue.TRANSFORM, FerryConfig.Queue.DELIVER)).as("pipeline drained").isTrue();
    }

    @Test
    @Order(1) // first: it also counts each function's cold start
    void theFunctionsEmfOutputCountsExactlyWhatTheApisAndTheDeadLetterQueuesSaw() throws IOException {
        billing.on("PUT", "/customers/*", request -> FAILING.contains(request.path())
                ? FakeApi.Reply.json(request.path().endsWith("422") ? 422 : 500, "{\"error\":\"no\"}")
                : FakeApi.Reply.json(200, "{\"ok\":true}"));
        crm.on("GET", "/contacts/c-m-thin", FakeApi.Reply.json(200, contact("c-m-thin", "thin@example.com")));
        crm.on("GET", "/contacts", FakeApi.Reply.json(200, "{\"data\":[" + contact("c-m-p1", "p1@example.com") + ","
                + contact("c-m-p2", "p2@example.com") + "]}"));

        Map<String, String> traces = new LinkedHashMap<>();
        Map<Integer, Integer> answers = new HashMap<>();
        for (String id : List.of("c-m-1", "c-m-2", "c-m-3", "c-m-4", "c-m-500a", "c-m-500b", "c-m-422", "c-m-nomail")) {
            traces.put(id, Traceparent.newTraceId());
            answers.merge(send(CONTACTS, contact(id, id.equals("c-m-nomail") ? null : id + "@example.com"), "d-" + id, traces.get(id)), 1, Integer::sum);
        }
        answers.merge(send(CONTACTS, contact("c-m-1", "c-m-1@example.com"), "d-c-m-1", traces.get("c-m-1")), 1, Integer::sum); // redelivered
        ObjectNode forged = WebhookEvents.signed(CONTACTS, contact("c-m-9", "x@example.com"), "d-forged", "sandbox", "wrong-key");
        assertThat(ferry.invokeWebhook(Json.write(forged)).get("statusCode").asInt()).isEqualTo(401);
        ObjectNode unknown = WebhookEvents.signed("no-such-integration", contact("c-m-9", "x@example.com"), "d-u", "sandbox", WEBHOOK_KEY);
        assertThat(ferry.invokeWebhook(Json.write(unknown)).get("statusCode").asInt()).isEqualTo(404);
        traces.put("c-m-thin", Traceparent.newTraceId());
        answers.merge(send("sandbox-contact-events", "{\"id\":\"c-m-thin\",\"event\":\"contact.updated\"}", "d-thin",
                traces.get("c-m-thin")), 1, Integer::sum);
        JsonNode poll = ferry.invokeSchedule(CONTACTS);
        assertThat(poll.get("queued").asInt()).isEqualTo(2);
        awaitQuiet();
        // The same record version again under a new delivery id: accepted, mapped, and skipped by deliver.
        answers.merge(send(CONTACTS, contact("c-m-2", "c-m-2@example.com"), "d-c-m-2-again", traces.get("c-m-2")), 1, Integer::sum);
        awaitQuiet();

        assertThat(answers).isEqualTo(Map.of(202, 10, 200, 1));
        List<MetricGroup> emf = stdout.groups();
        List<RecordedRequest> puts = billing.requests("PUT", "/customers/");
        List<RecordedRequest> delivered = puts.stream().filter(r -> !FAILING.contains(r.path())).toList();
        List<Message> deliverDead = aws.drain(FerryConfig.Queue.DELIVER_DLQ);
        List<Message> transformDead = aws.drain(FerryConfig.Queue.TRANSFORM_DLQ);
        List<Message> fetchDead = aws.drain(FerryConfig.Queue.FETCH_DLQ);

        // deliver: what the destination accepted, what it refused, and what the dead-letter queue holds.
        assertThat(delivered).extracting(RecordedRequest::path).doesNotHaveDuplicates().hasSize(7); // 4 + thin + 2 polled
        assertThat(sum(emf, DELIVERED, CONTACTS, "deliver") + sum(emf, DELIVERED, "sandbox-contact-events", "deliver"))
                .isEqualTo(delivered.size());
        assertThat(sum(emf, DUPLICATES, CONTACTS, "deliver")).isEqualTo(1);
        assertThat(deliverDead).hasSize(3);
        assertThat(InMemoryMetrics.sum(emf, DEAD_LETTERED, "Step", "deliver", "Kind", "retryable")).isEqualTo(kinds(deliverDead, "retryable"))
                .isEqualTo(2);
        assertThat(InMemoryMetrics.sum(emf, DEAD_LETTERED, "Step", "deliver", "Kind", "permanent")).isEqualTo(kinds(deliverDead, "permanent"))
                .isEqualTo(1);
        long requeued = 0;
        for (Message m : deliverDead) {
            requeued += Json.MAPPER.readTree(m.body()).get("failures").size() - 1; // every failed attempt but the last went back
        }
        assertThat(sum(emf, RETRIED, CONTACTS, "deliver")).isEqualTo(requeued).isEqualTo(2 * (MAX_ATTEMPTS - 1));
        assertThat(sum(emf, RECORDS_IN, CONTACTS, "deliver")).as("every message deliver took in, accounted for")
                .isEqualTo(sum(emf, DELIVERED, CONTACTS, "deliver") + sum(emf, DUPLICATES, CONTACTS, "deliver")
                        + sum(emf, RETRIED, CONTACTS, "deliver") + sum(emf, DEAD_LETTERED, CONTACTS, "deliver")
                        + sum(emf, DEFERRED, CONTACTS, "deliver"));

        // the destination API, call by call.
        String billingApi = "sandbox-billing";
        assertThat(InMemoryMetrics.sum(emf, StepMetrics.API_CALLS, "Api", billingApi)).isEqualTo(puts.size());
        assertThat(status(emf, billingApi, "2xx")).isEqualTo(delivered.size());
        assertThat(status(emf, billingApi, "5xx")).isEqualTo(puts.stream().filter(r -> r.path().contains("500")).count()).isEqualTo(6);
        assertThat(status(emf, billingApi, "4xx")).isEqualTo(1);
        assertThat(emf.stream().flatMap(g -> g.metrics().stream()).filter(m -> m.name().equals(StepMetrics.API_LATENCY))
                .mapToLong(m -> m.values().size()).sum()).as("one latency per call to any API")
                .isEqualTo(puts.size() + crm.requests().size());

        // transform: the unmappable record is in its dead-letter queue; the rest went on to deliver.
        assertThat(transformDead).hasSize(1);
        assertThat(InMemoryMetrics.sum(emf, DEAD_LETTERED, "Step", "transform", "Kind", "permanent")).isEqualTo(transformDead.size());
        // every message deliver took in was queued by transform, or by deliver itself for another attempt or after a wait
        assertThat(InMemoryMetrics.sum(emf, RECORDS_IN, "Step", "deliver")).isEqualTo(InMemoryMetrics.sum(emf, FORWARDED, "Step", "transform")
                + InMemoryMetrics.sum(emf, RETRIED, "Step", "deliver") + InMemoryMetrics.sum(emf, DEFERRED, "Step", "deliver"));
        assertThat(InMemoryMetrics.sum(emf, RECORDS_IN, "Step", "transform")).isEqualTo(InMemoryMetrics.sum(emf, FORWARDED, "Step", "transform")
                + InMemoryMetrics.sum(emf, DEAD_LETTERED, "Step", "transform") + InMemoryMetrics.sum(emf, RETRIED, "Step", "transform")
                + InMemoryMetrics.sum(emf, DEFERRED, "Step", "transform"));

        // fetch and the poll: what the source answered.
        assertThat(fetchDead).isEmpty();
        assertThat(InMemoryMetrics.sum(emf, FORWARDED, "Step", "fetch")).isEqualTo(crm.requests("GET", "/contacts/").size() + 2);
        assertThat(new InMemoryMetricsView(emf).values(StepMetrics.POLL_RECORDS, CONTACTS)).containsExactly(2.0);
        assertThat(new InMemoryMetricsView(emf).values(StepMetrics.POLL_PAGES, CONTACTS)).containsExactly(1.0);

        // webhooks, by what each was answered.
        assertThat(InMemoryMetrics.sum(emf, StepMetrics.WEBHOOK_ACCEPTED)).isEqualTo((double) answers.get(202));
        assertThat(sum(emf, DUPLICATES, CONTACTS, "webhook")).isEqualTo((double) answers.get(200));
        assertThat(InMemoryMetrics.sum(emf, StepMetrics.WEBHOOK_REJECTED, "Integration", CONTACTS, "Reason", "signature")).isEqualTo(1);
        assertThat(InMemoryMetrics.sum(emf, StepMetrics.WEBHOOK_REJECTED, "Integration", StepMetrics.UNKNOWN_INTEGRATION,
                "Reason", "unknown_integration")).isEqualTo(1);
        for (String function : List.of("ferry-webhook", "ferry-fetch", "ferry-transform", "ferry-deliver")) {
            assertThat(InMemoryMetrics.sum(emf, StepMetrics.COLD_START, "Function", function)).as(function).isEqualTo(1);
        }

        // traces: each delivery carries its record's trace id, the one its webhook's traceparent started.
        java.util.Set<String> traced = new java.util.TreeSet<>();
        for (RecordedRequest put : puts) {
            String id = put.path().substring("/customers/".length());
            if (traces.containsKey(id)) {
                traced.add(id);
                assertThat(Traceparent.traceId(put.header("traceparent"))).as(id).isEqualTo(traces.get(id));
                assertThat(put.header("X-Ferry-Trace-Id")).isEqualTo(traces.get(id));
            } else {
                assertThat(put.header("traceparent")).as("polled " + id).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            }
        }
        assertThat(traced).as("deliveries whose trace was checked").contains("c-m-1", "c-m-2");
        assertThat(Traceparent.traceId(crm.requests("GET", "/contacts/c-m-thin").getFirst().header("traceparent")))
                .isEqualTo(traces.get("c-m-thin"));

        // What it costs: distinct metrics, and EMF bytes per record that entered.
        Set<String> series = InMemoryMetrics.series(emf);
        long perContacts = series.stream().filter(s -> s.contains("Integration=" + CONTACTS)).count();
        long records = answers.get(202) + 2;
        System.err.printf("METRICS: %d distinct metrics in this run (%d for %s, %d per API), %d EMF lines, %d bytes, %d records in,"
                        + " %d EMF bytes per record%n", series.size(), perContacts, CONTACTS,
                series.stream().filter(s -> s.contains("Api=" + billingApi)).count(), stdout.lines().size(), stdout.bytes(), records,
                stdout.bytes() / records);
        series.forEach(s -> System.err.println("METRIC " + s));
        assertThat(perContacts).as("bounded: see docs/operations.md").isLessThanOrEqualTo(40);
    }

    /** The cost on the happy path: EMF bytes per record when every record is simply delivered. */
    @Test
    @Order(2)
    void aRecordThatIsSimplyDeliveredCostsAFewHundredBytesOfEmf() throws IOException {
        awaitQuiet();
        billing.reset();
        billing.on("PUT", "/customers/*", FakeApi.Reply.json(200, "{\"ok\":true}"));
        int records = 20;
        stdout.clear();
        for (int i = 0; i < records; i++) {
            assertThat(send(CONTACTS, contact("c-h-" + i, "h" + i + "@example.com"), "d-h-" + i, Traceparent.newTraceId())).isEqualTo(202);
        }
        assertThat(billing.awaitRequests("PUT", "/customers/c-h-", records, Duration.ofSeconds(30))).isTrue();
        awaitQuiet();
        List<MetricGroup> emf = stdout.groups();
        assertThat(sum(emf, DELIVERED, CONTACTS, "deliver")).isEqualTo(records);
        long bytes = stdout.bytes();
        System.err.printf("METRICS happy path: %d records delivered, %d EMF lines, %d bytes, %d EMF bytes per record%n",
                records, stdout.lines().size(), bytes, bytes / records);
        // One webhook invocation per record; transform and deliver take batches, a line per metric group per batch, so the
        // figure falls with batching, which depends on timing (810-1,050 bytes measured). Bounded here by the case where
        // every record is alone in every invocation: at most six lines of about 250 bytes.
        assertThat(stdout.lines().size()).isLessThanOrEqualTo(6 * records);
        assertThat(bytes / records).isLessThan(1_600);
    }

    static double sum(List<MetricGroup> emf, String metric, String integration, String step) {
        return InMemoryMetrics.sum(emf, metric, "Integration", integration, "Step", step);
    }

    static double status(List<MetricGroup> emf, String api, String statusClass) {
        return InMemoryMetrics.sum(emf, StepMetrics.API_RESPONSES, "Api", api, "StatusClass", statusClass);
    }

    static long kinds(List<Message> dead, String kind) throws IOException {
        long n = 0;
        for (Message m : dead) {
            JsonNode failures = Json.MAPPER.readTree(m.body()).get("failures");
            n += failures.get(failures.size() - 1).get("kind").asText().equals(kind) ? 1 : 0;
        }
        return n;
    }

    /** Values per integration of a poll metric, from parsed groups. */
    record InMemoryMetricsView(List<MetricGroup> emf) {
        List<Double> values(String metric, String integration) {
            InMemoryMetrics view = new InMemoryMetrics();
            view.publish(emf);
            return view.values(metric, "Integration", integration);
        }
    }
}
