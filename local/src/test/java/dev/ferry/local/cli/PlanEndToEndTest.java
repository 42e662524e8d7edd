package dev.ferry.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.idempotency.IdempotencyKeys;
import dev.ferry.shared.idempotency.IdempotencyStore;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.poll.PollState;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.SpecLoader;
import dev.ferry.shared.steps.DeliverStep;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.FakeApi.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ferry plan end to end: a paginating source on loopback with records that are new, already delivered and unmappable,
 * the cursor committed in DynamoDB Local, a credential in moto. Nothing may reach any queue or table, and the cursor
 * stays where it was. Then the bad inputs: unknown integration, a source answering 401 or 500, a bad sample or schema.
 */
class PlanEndToEndTest {

    static final String SPEC = """
            name: items
            owner: test
            source:
              recordId: /id
              version: /updated_at
              auth: { type: bearer, secret: ferry/items/api, field: token, rotation: "test only" }
              list:
                url: "${items.url}/items"
                recordsPath: /data
                pagination: { type: next-token, tokenPath: /next, tokenParam: after }
                cursor: { type: timestamp, field: /updated_at, param: since, lookback: PT5M }
            schedule: rate(5 minutes)
            mapping:
              item_id: { from: /id, required: true }
              email: { from: /email, required: true }
            destination: { method: PUT, url: "https://dest.example.com/items/{recordId}" }
            examples:
              - name: maps
                input: { id: i-0, email: a@b.c }
                output: { item_id: i-0, email: a@b.c }
              - name: no email
                input: { id: i-0 }
                error: "required but absent"
            """;
    static final String CURSOR = "2026-11-20T00:00:00Z";

    static AwsEmulators aws;
    static FakeApi source;
    static Path root;

    @BeforeAll
    static void start() {
        aws = AwsEmulators.start();
        source = FakeApi.start();
        root = Trees.empty();
        Trees.write(root, "integrations/items.yaml", SPEC);
        aws.putSecret("ferry/items/api", "{\"token\":\"items-token\"}");
    }

    @AfterAll
    static void stop() {
        source.close();
        aws.close();
    }

    static String item(String id, String email) {
        return "{\"id\":\"" + id + "\",\"updated_at\":\"2026-11-20T01:00:00Z\"" + (email == null ? ",\"email\":null" : ",\"email\":\"" + email + "\"") + "}";
    }

    static String[] plan(String... extra) {
        List<String> args = new ArrayList<>(List.of("plan", "items", "--dir", root.toString(), "--local", "--set", "items.url=" + source.baseUrl()));
        for (Map.Entry<String, String> e : aws.config().entrySet()) {
            args.add("--set");
            args.add(e.getKey() + "=" + e.getValue());
        }
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    static List<Map<String, AttributeValue>> scan(String table) {
        return aws.dynamoDb().scan(r -> r.tableName(table).consistentRead(true)).items();
    }

    @Test
    void readsWhatARunWouldAndWritesNothing() throws Exception {
        source.reset();
        source.on("GET", "/items", request -> request.queryParam("after").isEmpty()
                ? Reply.json(200, "{\"data\":[" + item("i-1", "one@example.com") + "," + item("i-2", "two@example.com") + "],\"next\":\"p2\"}")
                : Reply.json(200, "{\"data\":[" + item("i-3", null) + ",{\"email\":\"no-id@example.com\"}],\"next\":null}"));
        // the schedule's cursor, and i-2 delivered before
        PollState state = new PollState(aws.dynamoDb(), aws.stateTable(), Clock.systemUTC());
        state.acquire("items", "schedule", "seed", Duration.ofMinutes(5));
        state.commit("items", "schedule", "seed", 0, CURSOR, "seed");
        state.release("items", "schedule", "seed");
        IntegrationSpec spec = new SpecLoader(k -> Optional.of(source.baseUrl()).filter(v -> k.equals("items.url")), true).load("items.yaml", SPEC);
        IdempotencyStore store = new IdempotencyStore(aws.dynamoDb(), aws.idempotencyTable(), Duration.ofMinutes(5), Duration.ofDays(1),
                Clock.systemUTC());
        JsonNode delivered = Json.MAPPER.readTree(item("i-2", "two@example.com"));
        var claim = (IdempotencyStore.Claim.Acquired) store.claim("items", DeliverStep.STEP, IdempotencyKeys.forRecord(spec, "i-2", delivered));
        store.complete(claim, "200 ok");
        var stateBefore = scan(aws.stateTable());
        var idempotencyBefore = scan(aws.idempotencyTable());

        Cli run = Cli.run(plan());

        assertThat(run.exit()).as(run.all()).isEqualTo(Ferry.PROBLEMS); // two records would fail
        assertThat(run.out()).contains("page 1").contains("page 2").contains("1 without an id at /id")
                .contains("new        i-1")
                .contains("unchanged  i-2  delivered before")
                .contains("failing    i-3  field 'email' (from /email): required but null")
                .contains("1 new, 1 unchanged, 2 failing; nothing queued or written, cursor not moved")
                .contains("(committed cursor)");
        var first = source.requests("GET", "/items").getFirst();
        assertThat(first.queryParam("since")).contains("2026-11-19T23:55:00Z"); // the committed cursor less the lookback
        assertThat(first.header("Authorization")).isEqualTo("Bearer items-token");
        for (FerryConfig.Queue queue : FerryConfig.Queue.values()) {
            assertThat(aws.depth(queue)).as(queue.id()).isZero();
        }
        assertThat(scan(aws.stateTable())).as("cursor and leases untouched").isEqualTo(stateBefore);
        assertThat(scan(aws.idempotencyTable())).as("no claims").isEqualTo(idempotencyBefore);
        assertThat(state.cursor("items").value()).isEqualTo(CURSOR);

        Cli json = Cli.run(plan("--json", "--limit", "1"));
        JsonNode doc = Json.MAPPER.readTree(json.out());
        assertThat(doc.path("limited").asBoolean()).isTrue();
        assertThat(doc.path("pages").asInt()).isEqualTo(1);
        assertThat(doc.path("new").asInt()).isEqualTo(1);
        assertThat(doc.path("unchanged").asInt()).isEqualTo(1);
        assertThat(doc.path("records").get(0).path("record").path("email").asText()).isEqualTo("one@example.com");
    }

    @Test
    void aSourceThatAnswersWithAnErrorIsOneLineAndExitOne() {
        for (int status : new int[] {401, 500}) {
            source.reset();
            source.on("GET", "/items", Reply.json(status, "{\"error\":\"nope\"}"));

            Cli run = Cli.run(plan());

            assertThat(run.exit()).as(run.all()).isEqualTo(Ferry.PROBLEMS);
            assertThat(run.out()).doesNotContain("new ");
            assertThat(run.err().strip().lines()).as(run.err()).singleElement().asString()
                    .startsWith("ferry plan: the source failed: ").contains(Integer.toString(status)).doesNotContain("Exception");
        }
        for (FerryConfig.Queue queue : FerryConfig.Queue.values()) {
            assertThat(aws.depth(queue)).as(queue.id()).isZero();
        }
    }

    @Test
    void badInputIsOneLineWithItsExitCode() {
        String[] args = plan();
        args[1] = "nope";
        Cli unknown = Cli.run(args);
        assertThat(unknown.exit()).isEqualTo(Ferry.USAGE);
        assertThat(unknown.err().strip()).isEqualTo("ferry plan: unknown integration 'nope' (known: items)");

        Cli badFrom = Cli.run(plan("--from", "yesterday"));
        assertThat(badFrom.exit()).isEqualTo(Ferry.USAGE);
        assertThat(badFrom.err().strip()).startsWith("ferry plan: --from must be an ISO-8601 instant");

        Cli unset = Cli.run("plan", "items", "--dir", root.toString());
        assertThat(unset.exit()).isEqualTo(Ferry.PROBLEMS);
        assertThat(unset.err().strip().lines()).singleElement().asString()
                .contains("integration 'items' does not load").contains("setting 'items.url' is not configured");

        Path tree = Trees.empty();
        Cli noSample = Cli.run("new", "x", "--dir", tree.toString(), "--sample", tree.resolve("missing.json").toString());
        assertThat(noSample.exit()).isEqualTo(Ferry.USAGE);
        assertThat(noSample.err().strip().lines()).singleElement().asString().contains("missing.json: --sample cannot be read");

        Path notJson = Trees.write(tree, "bad.json", "{\"id\": 1,");
        Cli badSample = Cli.run("new", "x", "--dir", tree.toString(), "--sample", notJson.toString());
        assertThat(badSample.exit()).isEqualTo(Ferry.USAGE);
        assertThat(badSample.err().strip().lines()).singleElement().asString().contains("bad.json:1: --sample is not JSON");

        Path notSchema = Trees.write(tree, "not.schema.json", "{\"type\": \"objekt\", \"properties\": {\"a\": {}}}");
        Cli badSchema = Cli.run("new", "x", "--dir", tree.toString(), "--to-schema", notSchema.toString());
        assertThat(badSchema.exit()).isEqualTo(Ferry.USAGE);
        assertThat(badSchema.err().strip().lines()).singleElement().asString().contains("not.schema.json: --to-schema is not a JSON Schema");

        Cli unknownApi = Cli.run("new", "x", "--dir", tree.toString(), "--api", "nope");
        assertThat(unknownApi.exit()).isEqualTo(Ferry.USAGE);
        assertThat(unknownApi.err().strip()).isEqualTo("ferry new: unknown API 'nope' (declared in apis/: none)");
        assertThat(tree.resolve("integrations/x.yaml")).doesNotExist();
    }
}
