package dev.ferry.local.cli;

import dev.ferry.shared.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** ferry validate, test and explain on the repository's own specs and on scratch trees with mistakes in them. */
class ValidateTestExplainTest {

    static final String REPO = "..";

    static final String GOOD = """
            name: good
            source: { recordId: /id, api: shop, list: { url: /items } }
            schedule: rate(5 minutes)
            mapping:
              item_id: { from: /id, required: true }
              email: { from: /email, trim: true, case: lower }
            destination: { method: PUT, url: "https://dest.example.com/items/{recordId}" }
            examples:
              - name: maps
                input: { id: "1", email: " A@B.COM " }
                output: { item_id: "1", email: a@b.com }
              - name: no id
                input: { email: x@y.z }
                error: "field 'item_id' (from /id): required but absent"
            """;
    static final String SHOP = "name: shop\nbaseUrl: \"${shop.api.url:https://shop.example.com}\"\n";

    @Test
    void theRepositoryIsValid() {
        Cli run = Cli.run("validate", "--dir", REPO);

        assertThat(run.exit()).as(run.all()).isZero();
        assertThat(run.out()).contains("valid: ").contains("integrations: 0 problems");
    }

    @Test
    void everyProblemOfEveryFileAtOnceWithFileAndLine() throws Exception {
        Path root = Trees.empty();
        Trees.write(root, "apis/shop.yaml", SHOP);
        Trees.write(root, "integrations/good.yaml", GOOD);
        Trees.write(root, "integrations/typo.yaml", GOOD.replace("name: good", "name: typo").replace("trim: true", "trimm: true"));
        Trees.write(root, "integrations/syntax.yaml", "name: syntax\nsource:\n  recordId: /id\n   list: [\n");
        Trees.write(root, "integrations/no-api.yaml", GOOD.replace("name: good", "name: no-api").replace("api: shop", "api: shoop"));
        String untested = GOOD.replace("name: good", "name: untested");
        Trees.write(root, "integrations/untested.yaml", untested.substring(0, untested.indexOf("examples:")));
        Trees.write(root, "apis/broken.yaml", "name: broken\nbaseUrl: ftp://x\n");

        Cli run = Cli.run("validate", "--dir", root.toString());

        assertThat(run.exit()).isEqualTo(Ferry.PROBLEMS);
        assertThat(run.out())
                .contains("error: integrations/typo.yaml:6: mapping.email.trimm: unknown key 'trimm'")
                .contains("error: integrations/syntax.yaml:4:8: not valid YAML: mapping values are not allowed here")
                .contains("error: integrations/no-api.yaml:2: source.api: no API named 'shoop' is declared in apis/ (declared: shop)")
                .contains("error: apis/broken.yaml:2: baseUrl: must be an http(s) URL")
                .contains("warning: integrations/untested.yaml: examples: none")
                .contains("invalid: ");
        assertThat(run.out()).doesNotContain("integrations/good.yaml:");
        assertThat(run.err()).isEmpty();

        Cli one = Cli.run("validate", "--dir", root.toString(), "integrations/good.yaml");
        assertThat(one.exit()).as(one.all()).isZero();
        assertThat(one.out()).contains("1 files, 1 integrations: 0 problems");

        Cli json = Cli.run("validate", "--dir", root.toString(), "--json");
        assertThat(json.exit()).isEqualTo(Ferry.PROBLEMS);
        assertThat(Json.MAPPER.readTree(json.out()).path("errors").size()).isGreaterThanOrEqualTo(4);
        assertThat(Json.MAPPER.readTree(json.out()).path("ok").asBoolean()).isFalse();
    }

    @Test
    void theSchemaCheckCatchesAMisspelledKeyTheLoaderWouldReportLater() {
        Path root = Trees.empty();
        Trees.write(root, "apis/shop.yaml", SHOP);
        // two mistakes in one file: the loader stops at the first; the editor schema names both
        Trees.write(root, "integrations/good.yaml", GOOD.replace("trim: true", "trimm: true").replace("required: true", "requird: true"));

        Cli run = Cli.run("validate", "--dir", root.toString());

        assertThat(run.out()).contains("good.yaml:5: mapping.item_id.requird: unknown key 'requird'")
                .contains("good.yaml:6: mapping.email.trimm: property 'trimm' is not defined in the schema").contains("(docs/schema)");
    }

    @Test
    void testRunsExamplesAndShowsAFieldDiff() throws Exception {
        Path root = Trees.empty();
        Trees.write(root, "apis/shop.yaml", SHOP);
        Trees.write(root, "integrations/good.yaml", GOOD.replace("output: { item_id: \"1\", email: a@b.com }",
                "output: { item_id: \"1\", email: A@B.COM }"));

        Cli run = Cli.run("test", "--dir", root.toString(), "good");

        assertThat(run.exit()).isEqualTo(Ferry.PROBLEMS);
        assertThat(run.out()).contains("ok    no id").contains("FAIL  maps")
                .contains("email: expected \"A@B.COM\", got \"a@b.com\"")
                .contains("1 integrations, 2 examples: 1 passed, 1 failed");

        Cli json = Cli.run("test", "--dir", root.toString(), "--json");
        assertThat(Json.MAPPER.readTree(json.out()).path("failed").asInt()).isEqualTo(1);
        assertThat(Json.MAPPER.readTree(json.out()).path("results").get(0).path("diff").get(0).asText()).startsWith("email: expected");

        Cli unknown = Cli.run("test", "--dir", root.toString(), "nope");
        assertThat(unknown.exit()).isEqualTo(Ferry.USAGE);
        assertThat(unknown.err().strip()).isEqualTo("ferry test: unknown integration 'nope' (known: good)");
    }

    @Test
    void theRepositorysExamplesAllHold() {
        Cli run = Cli.run("test", "--dir", REPO);

        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).contains("partner-orders").contains("stripe-customers").contains("sandbox-contact-events")
                .doesNotContain("FAIL").doesNotContain("no examples");
    }

    @Test
    void explainSaysWhereEachFieldComesFrom() throws Exception {
        Cli all = Cli.run("explain", "--dir", REPO, "crm-contacts");
        assertThat(all.exit()).isZero();
        assertThat(all.out()).contains("Reads: GET ").contains("Writes: ").contains("Each destination field:")
                .contains("is taken from /properties/email");

        Cli one = Cli.run("explain", "--dir", REPO, "sandbox-contacts", "billing.city");
        assertThat(one.out().strip()).isEqualTo("billing.city is taken from /address/city.");

        Cli json = Cli.run("explain", "--dir", REPO, "sandbox-contacts", "--json");
        assertThat(Json.MAPPER.readTree(json.out()).path("fields").path("source").path("source").asText()).isEqualTo("constant \"sandbox\"");

        Cli noField = Cli.run("explain", "--dir", REPO, "sandbox-contacts", "nope");
        assertThat(noField.exit()).isEqualTo(Ferry.USAGE);
        assertThat(noField.err()).contains("has no destination field 'nope'");
    }
}
