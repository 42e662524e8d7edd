package dev.ferry.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.FakeApi.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ferry plan --event end to end: one webhook payload mapped, checked and reported, nothing queued or written; for a thin
 * webhook the record is fetched by id from the real source (its credential from moto), and a source answering an error is
 * one line and exit 1.
 */
class PlanEventEndToEndTest {

    static final String FULL = """
            name: orders
            owner: test
            source: { recordId: /id, version: /updated_at }
            webhook:
              mode: full
              deliveryIdHeader: X-Delivery
              signature: { header: X-Signature, prefix: "sha256=", secret: ferry/orders/webhook }
            mapping:
              order_id: { from: /id, required: true }
              email: { from: /email, required: true, case: lower }
            destination: { method: PUT, url: "https://dest.example.com/orders/{recordId}" }
            """;
    static final String THIN = """
            name: contacts
            owner: test
            source:
              recordId: /id
              version: /updated_at
              auth: { type: bearer, secret: ferry/contacts/api, field: token, rotation: "test only" }
              get: { url: "${contacts.url}/contacts/{id}", recordPath: /contact }
            webhook:
              mode: thin
              deliveryIdHeader: X-Delivery
              signature: { header: X-Signature, prefix: "sha256=", secret: ferry/contacts/webhook }
            mapping:
              contact_id: { from: /id, required: true }
              name: { from: /name, required: true }
            destination: { method: PUT, url: "https://dest.example.com/contacts/{recordId}" }
            """;

    static AwsEmulators aws;
    static FakeApi source;
    static Path root;

    @BeforeAll
    static void start() {
        aws = AwsEmulators.start();
        source = FakeApi.start();
        root = Trees.empty();
        Trees.write(root, "integrations/orders.yaml", FULL);
        Trees.write(root, "integrations/contacts.yaml", THIN);
        aws.putSecret("ferry/contacts/api", "{\"token\":\"contacts-token\"}");
    }

    @AfterAll
    static void stop() {
        if (source != null) source.close();
        if (aws != null) aws.close();
    }

    static Cli plan(String integration, String event, String... extra) {
        Path file = Trees.write(root, "events/" + integration + ".json", event);
        List<String> args = new ArrayList<>(List.of("plan", integration, "--event", file.toString(), "--dir", root.toString(), "--local",
                "--set", "contacts.url=" + source.baseUrl()));
        for (Map.Entry<String, String> e : aws.config().entrySet()) {
            args.addAll(List.of("--set", e.getKey() + "=" + e.getValue()));
        }
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    static List<Map<String, AttributeValue>> scan(String table) {
        return aws.dynamoDb().scan(r -> r.tableName(table).consistentRead(true)).items();
    }

    static void nothingWritten(List<Map<String, AttributeValue>> state, List<Map<String, AttributeValue>> idempotency) {
        for (FerryConfig.Queue queue : FerryConfig.Queue.values()) {
            assertThat(aws.depth(queue)).as(queue.id()).isZero();
        }
        assertThat(scan(aws.idempotencyTable())).isEqualTo(idempotency);
        assertThat(scan(aws.stateTable()).stream().filter(i -> !i.get("pk").s().startsWith("ratelimit#")).toList())
                .isEqualTo(state.stream().filter(i -> !i.get("pk").s().startsWith("ratelimit#")).toList());
    }

    @Test
    void aFullPayloadIsMappedAndReportedAndNothingIsWritten() throws Exception {
        var state = scan(aws.stateTable());
        var idempotency = scan(aws.idempotencyTable());

        Cli good = plan("orders", "{\"id\":\"o-1\",\"email\":\"Ada@Example.COM\",\"updated_at\":\"2026-11-20T10:00:00Z\"}", "--show");
        assertThat(good.exit()).as(good.all()).isEqualTo(Ferry.OK);
        assertThat(good.out()).contains("new        o-1").contains("ada@example.com").contains("1 new, 0 unchanged, 0 failing");

        Cli bad = plan("orders", "{\"id\":\"o-2\",\"updated_at\":\"2026-11-20T10:00:00Z\"}");
        assertThat(bad.exit()).as(bad.all()).isEqualTo(Ferry.PROBLEMS);
        assertThat(bad.out()).contains("failing    o-2  field 'email' (from /email): required but absent");

        Cli json = plan("orders", "{\"id\":\"o-3\",\"email\":\"x@y.z\"}", "--json");
        JsonNode doc = Json.MAPPER.readTree(json.out());
        assertThat(doc.path("new").asInt()).isEqualTo(1);
        assertThat(doc.path("records").get(0).path("record").path("order_id").asText()).isEqualTo("o-3");
        nothingWritten(state, idempotency);
    }

    @Test
    void aThinEventsRecordIsFetchedFromTheRealSourceAndItsErrorsAreOneLine() {
        var state = scan(aws.stateTable());
        var idempotency = scan(aws.idempotencyTable());
        source.reset();
        source.on("GET", "/contacts/c-1", request -> "Bearer contacts-token".equals(request.header("Authorization"))
                ? Reply.json(200, "{\"contact\":{\"id\":\"c-1\",\"name\":\"Grace\",\"updated_at\":\"2026-11-20T10:00:00Z\"}}")
                : Reply.json(401, "{\"error\":\"bad token\"}"));

        Cli run = plan("contacts", "{\"id\":\"c-1\",\"event\":\"contact.updated\"}");
        assertThat(run.exit()).as(run.all()).isEqualTo(Ferry.OK);
        assertThat(run.out()).contains("fetched c-1 from the source").contains("new        c-1")
                .contains("one thin event").contains("1 new, 0 unchanged, 0 failing");
        assertThat(source.requests("GET", "/contacts/c-1")).hasSize(1);

        source.reset();
        source.on("GET", "/contacts/c-1", Reply.json(500, "{\"error\":\"down\"}"));
        Cli down = plan("contacts", "{\"id\":\"c-1\"}");
        assertThat(down.exit()).as(down.all()).isEqualTo(Ferry.PROBLEMS);
        assertThat(down.err().strip().lines()).singleElement().asString()
                .startsWith("ferry plan: the source failed: ").contains("500").endsWith("(nothing was queued or written)");

        Cli noId = plan("contacts", "{\"event\":\"contact.updated\"}");
        assertThat(noId.exit()).isEqualTo(Ferry.PROBLEMS);
        assertThat(noId.out()).contains("no record id at /id");

        Cli unreadable = Cli.run("plan", "contacts", "--event", root.resolve("missing.json").toString(), "--dir", root.toString(), "--local",
                "--set", "contacts.url=" + source.baseUrl());
        assertThat(unreadable.exit()).isEqualTo(Ferry.USAGE);
        assertThat(unreadable.err().strip().lines()).singleElement().asString().contains("missing.json: --event cannot be read");
        nothingWritten(state, idempotency);
    }
}
