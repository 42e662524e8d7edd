package dev.ferry.local.cli;

import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.FakeApi.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A newcomer's first integration, from a clean tree, with no Java: {@code ferry new} with a sample and a destination
 * schema, the gaps filled the way the printed hints say (scripted edits of the YAML), {@code ferry validate},
 * {@code ferry test}, then {@code ferry plan} against a real HTTP source (FakeApi) with its credential in the local
 * Secrets Manager (moto) and the idempotency table in DynamoDB Local.
 */
class OnboardingTest {

    static final String SHOP_API = """
            name: shop
            description: The web shop's orders API
            baseUrl: "${shop.api.url:https://shop.example.com}"
            auth: { type: bearer, secret: ferry/shop/api, field: token, rotation: "every 90 days in the shop's admin" }
            pagination: { type: next-token, tokenPath: /next, tokenParam: after }
            """;
    static final String SAMPLE = """
            {"orders": [
              {"id": "o-1", "email": "ada@example.com", "total": "12.50", "created": 1700000000, "updated_at": "2026-11-20T10:00:00Z"}
            ], "next": null}
            """;
    static final String SCHEMA = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
             "required": ["order_id", "email", "placed_at"],
             "properties": {"order_id": {"type": "string"}, "email": {"type": "string"},
                            "placed_at": {"type": "string", "format": "date-time"}, "amount": {"type": "number"}}}
            """;

    static AwsEmulators aws;
    static FakeApi shop;

    @BeforeAll
    static void start() {
        aws = AwsEmulators.start();
        shop = FakeApi.start();
    }

    @AfterAll
    static void stop() {
        shop.close();
        aws.close();
    }

    @Test
    void fromNothingToAPlannedIntegrationWithoutJava() {
        Path root = Trees.empty();
        Trees.write(root, "apis/shop.yaml", SHOP_API);
        Path sample = Trees.write(root, "samples/orders.json", SAMPLE);
        Path schema = Trees.write(root, "samples/order.schema.json", SCHEMA);
        String dir = root.toString();

        // 1. ferry new: the skeleton, with hints for what is left
        Cli created = Cli.run("new", "shop-orders", "--dir", dir, "--api", "shop", "--list", "/orders", "--sample", sample.toString(),
                "--to-schema", schema.toString(), "--to-url", "https://warehouse.example.com/orders/{recordId}");
        assertThat(created.exit()).as(created.all()).isZero();
        Path spec = root.resolve("integrations/shop-orders.yaml");
        String yaml = Trees.read(spec);
        assertThat(yaml).contains("recordId: /id").contains("version: /updated_at").contains("api: shop")
                .contains("recordsPath: /orders")
                .contains("order_id: { from: /id, required: true }").contains("email: { from: /email, required: true }")
                .contains("# TODO placed_at:").contains("# TODO amount:");
        assertThat(created.out()).contains("integrations/shop-orders.yaml:" + lineOf(yaml, "# TODO placed_at:") + ": mapping.placed_at: required")
                .contains("owner:").contains("Then:  ./ferry validate integrations/shop-orders.yaml");

        // 2. validate finds the required field that is not mapped yet
        Cli invalid = Cli.run("validate", "--dir", dir);
        assertThat(invalid.exit()).isEqualTo(Ferry.PROBLEMS);
        assertThat(invalid.out()).contains("integrations/shop-orders.yaml").contains("requires 'placed_at'");

        // 3. the edits the hints ask for: rules for the TODO fields, an owner
        yaml = replaceLine(yaml, "# TODO placed_at:", "  placed_at: { from: /created, type: datetime, format: unix-seconds, required: true }");
        yaml = replaceLine(yaml, "# TODO amount:", "  amount: { from: /total, type: decimal, scale: 2 }");
        yaml = yaml.replace("owner: CHANGE-ME", "owner: shop-team");
        Trees.write(root, "integrations/shop-orders.yaml", yaml);
        Cli valid = Cli.run("validate", "--dir", dir);
        assertThat(valid.exit()).as(valid.out()).isZero();

        // 4. test shows what the first example's output now lacks, field by field; the hint: add them
        Cli failing = Cli.run("test", "--dir", dir, "shop-orders");
        assertThat(failing.exit()).isEqualTo(Ferry.PROBLEMS);
        assertThat(failing.out()).contains("placed_at: not expected, got \"2023-11-14T22:13:20Z\"").contains("amount: not expected, got 12.50")
                .contains("ok    a record without /id is refused");
        String outputLine = yaml.lines().filter(l -> l.startsWith("    output: ")).findFirst().orElseThrow();
        yaml = yaml.replace(outputLine, outputLine.substring(0, outputLine.length() - 1) + ",\"placed_at\":\"2023-11-14T22:13:20Z\",\"amount\":12.50}");
        Trees.write(root, "integrations/shop-orders.yaml", yaml);
        Cli passing = Cli.run("test", "--dir", dir, "shop-orders");
        assertThat(passing.exit()).as(passing.out()).isZero();
        assertThat(passing.out()).contains("2 examples: 2 passed, 0 failed");

        // 5. plan against the real source: two pages, bearer token from the local Secrets Manager
        aws.putSecret("ferry/shop/api", "{\"token\":\"shop-token-1\"}");
        shop.on("GET", "/orders", request -> request.queryParam("after").isEmpty()
                ? Reply.json(200, "{\"orders\":[" + order("o-1", 1700000000) + "," + order("o-2", 1700000100) + "],\"next\":\"p2\"}")
                : Reply.json(200, "{\"orders\":[" + order("o-3", 1700000200) + "],\"next\":null}"));
        List<String> args = new ArrayList<>(List.of("plan", "shop-orders", "--dir", dir, "--local", "--set", "shop.api.url=" + shop.baseUrl()));
        for (Map.Entry<String, String> e : aws.config().entrySet()) {
            args.add("--set");
            args.add(e.getKey() + "=" + e.getValue());
        }
        Cli plan = Cli.run(args.toArray(String[]::new));
        assertThat(plan.exit()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("page 1").contains("page 2").contains("new        o-1").contains("new        o-3")
                .contains("3 new, 0 unchanged, 0 failing; nothing queued or written, cursor not moved");
        assertThat(shop.requests("GET", "/orders")).hasSize(2)
                .allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer shop-token-1"));
    }

    static String order(String id, long created) {
        return "{\"id\":\"" + id + "\",\"email\":\"" + id + "@example.com\",\"total\":\"9.99\",\"created\":" + created
                + ",\"updated_at\":\"2026-11-20T10:00:00Z\"}";
    }

    static int lineOf(String text, String start) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(start)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line starting with " + start);
    }

    static String replaceLine(String text, String start, String with) {
        return String.join("\n", text.lines().map(l -> l.strip().startsWith(start) ? with : l).toList()) + "\n";
    }
}
