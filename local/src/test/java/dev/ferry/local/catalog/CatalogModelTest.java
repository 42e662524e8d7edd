package dev.ferry.local.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.shared.mapping.ExampleRunner;
import dev.ferry.shared.spec.IntegrationRegistry;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.SpecLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The catalog model over the shipped specs and made-up ones: edges, impact, lineage, triggers, examples. */
class CatalogModelTest {

    private final IntegrationRegistry shipped = Specs.shipped();
    private final Catalog catalog = Specs.shippedCatalog();

    @Test
    void everyIntegrationAndApiIsInTheCatalogWithTheEdgesItsSpecDeclares() {
        assertThat(catalog.integrations()).extracting(Catalog.Integration::name)
                .containsExactlyElementsOf(shipped.all().stream().map(IntegrationSpec::name).sorted().toList());
        assertThat(catalog.apis()).extracting(Catalog.Api::name).containsAll(shipped.apis().names());

        Set<String> expected = new TreeSet<>();
        for (IntegrationSpec s : shipped.all()) {
            if (s.source() != null && s.source().api() != null) expected.add(s.name() + " reads " + s.source().api());
            if (s.destination() != null && s.destination().api() != null) expected.add(s.name() + " writes " + s.destination().api());
            s.lookups().forEach((name, l) -> expected.add(s.name() + " looks-up " + l.api()));
            if (s.webhook() != null && s.webhook().signature() != null) {
                expected.add(s.name() + " verifies-with " + s.webhook().signature().secret());
            }
        }
        shipped.apis().all().forEach(a -> {
            if (a.auth() != null && a.auth().secret() != null) expected.add(a.name() + " authenticates-with " + a.auth().secret());
        });
        Set<String> actual = new TreeSet<>();
        catalog.edges().forEach(e -> actual.add(bare(e.from()) + " " + e.kind() + " " + bare(e.to())));
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void impactOfTheBillingApiIsExactlyTheIntegrationsThatCallIt() {
        DependencyGraph graph = new DependencyGraph(catalog);
        Impact billing = graph.impact("billing").orElseThrow();
        Set<String> users = Specs.usersOf(shipped, "billing");
        assertThat(users).isNotEmpty();
        assertThat(billing.integrations()).extracting(Impact.Dependent::integration).containsExactlyInAnyOrderElementsOf(users);
        // Every scheduled user's schedule, and the field looked up in billing.
        Set<String> scheduled = new TreeSet<>();
        users.forEach(u -> shipped.find(u).filter(s -> s.schedule() != null).ifPresent(s -> scheduled.add(s.name())));
        assertThat(billing.schedules()).extracting(Impact.ScheduleHit::integration).containsExactlyInAnyOrderElementsOf(scheduled);
        assertThat(billing.fields()).anySatisfy(f -> {
            assertThat(f.field()).isEqualTo("account_manager_id");
            assertThat(f.how()).anyMatch(h -> h.startsWith("looked up in billing"));
        });
        for (String api : shipped.apis().names()) {
            assertThat(graph.impact(api).orElseThrow().integrations()).extracting(Impact.Dependent::integration)
                    .as(api).containsExactlyInAnyOrderElementsOf(Specs.usersOf(shipped, api));
        }
    }

    @Test
    void impactOfASecretReachesThroughTheApisWhoseAuthHoldsIt() {
        DependencyGraph graph = new DependencyGraph(catalog);
        for (Catalog.Secret secret : catalog.secrets()) {
            Impact impact = graph.impact(secret.name()).orElseThrow();
            assertThat(impact.kind()).isEqualTo("secret");
            assertThat(impact.integrations()).extracting(Impact.Dependent::integration).as(secret.name())
                    .containsExactlyInAnyOrderElementsOf(Specs.dependentsOfSecret(shipped, secret.name()));
            assertThat(secret.usedBy()).as(secret.name()).containsExactlyInAnyOrderElementsOf(Specs.dependentsOfSecret(shipped, secret.name()));
        }
        Impact crmToken = graph.impact("ferry/crm/api").orElseThrow();
        assertThat(crmToken.apis()).containsExactly("crm");
        // A webhook secret does not stop the schedule: the poll never presents it.
        Impact crmWebhook = graph.impact("ferry/crm/webhook").orElseThrow();
        assertThat(crmWebhook.integrations()).extracting(Impact.Dependent::integration).containsExactly("crm-contacts");
        assertThat(crmWebhook.schedules()).isEmpty();
        assertThat(graph.impact("no-such-thing")).isEmpty();
    }

    @Test
    void dataMapCarriesLineagePerOutputField() {
        Catalog.Integration crm = catalog.integration("crm-contacts").orElseThrow();
        Catalog.Field manager = field(crm, "account_manager_id");
        assertThat(manager.sourcePaths()).containsExactly("/properties/owner_email");
        assertThat(manager.lookups()).containsExactly(new Catalog.FieldLookup("billing-users", "billing"));
        assertThat(manager.conversions()).first().isEqualTo("trim");
        assertThat(field(crm, "name").sourcePaths()).containsExactly("/properties/firstname", "/properties/lastname");
        assertThat(field(crm, "metadata.source").sourcePaths()).isEmpty();
        assertThat(field(crm, "metadata.source").source()).startsWith("constant");
        Catalog.Integration github = catalog.integration("github-issues").orElseThrow();
        assertThat(field(github, "labels[].name").sourcePaths()).containsExactly("/issue/labels/*/name");
        // One entry per output field the mapping can produce.
        for (IntegrationSpec spec : shipped.all()) {
            assertThat(catalog.integration(spec.name()).orElseThrow().dataMap()).extracting(Catalog.Field::field)
                    .containsExactlyElementsOf(dev.ferry.shared.mapping.Lineage.of(spec).keySet());
        }
    }

    @Test
    void triggersExamplesLimitsAndQueuesComeFromTheSpecsAndTheTemplate() {
        Catalog.Integration crm = catalog.integration("crm-contacts").orElseThrow();
        assertThat(crm.triggers().webhook().path()).isEqualTo("/webhooks/crm-contacts");
        assertThat(crm.triggers().webhook().mode()).isEqualTo("thin");
        assertThat(crm.triggers().reconciliation()).isTrue();
        assertThat(crm.triggers().schedule().inTemplate()).isTrue();
        assertThat(crm.triggers().schedule().deadLetterQueue()).isEqualTo("ferry-schedule-dlq");
        assertThat(crm.queues()).contains("ferry-fetch", "ferry-transform", "ferry-deliver", "ferry-deliver-dlq");
        Catalog.CallLimits lookup = crm.limits().calls().stream().filter(c -> c.call().equals("lookup billing-users")).findFirst().orElseThrow();
        assertThat(lookup.share()).isEqualTo(5.0);
        assertThat(lookup.budget()).isEqualTo("billing");

        Catalog.Integration orders = catalog.integration("orders-shipments").orElseThrow();
        assertThat(orders.triggers().webhook()).isNull();
        assertThat(orders.triggers().reconciliation()).isFalse();
        assertThat(orders.queues()).doesNotContain("ferry-fetch");

        for (IntegrationSpec spec : shipped.all()) {
            List<ExampleRunner.Result> results = new ExampleRunner().run(spec);
            assertThat(catalog.integration(spec.name()).orElseThrow().examples()).extracting(Catalog.Example::passed)
                    .containsExactlyElementsOf(results.stream().map(ExampleRunner.Result::passed).toList());
        }
        assertThat(catalog.queues()).extracting(Catalog.Queue::name).contains("ferry-fetch", "ferry-fetch-dlq", "ferry-schedule-dlq");
        assertThat(catalog.tables()).extracting(Catalog.Table::name).containsExactlyInAnyOrder("ferry-idempotency", "ferry-state");
    }

    @Test
    void madeUpSpecsInlineApisSharedApisFailingExamplesAndMissingSchedules(@TempDir Path repo) throws Exception {
        Files.createDirectories(repo.resolve("apis"));
        Files.createDirectories(repo.resolve("integrations"));
        Files.writeString(repo.resolve("apis/hub.yaml"), """
                name: hub
                description: a hub
                owner: hub-team
                baseUrl: https://hub.example.com
                auth: { type: api-key, secret: shared/key, field: key, rotation: never }
                limits: { requestsPerSecond: 10 }
                """);
        Files.writeString(repo.resolve("integrations/one.yaml"), """
                name: one
                description: one
                owner: team-a
                source:
                  recordId: /id
                  list: { url: "https://legacy.example.org/items", recordsPath: /items }
                schedule: rate(1 hour)
                mapping:
                  id: { from: /id, required: true }
                  tag: { from: /tag, lookup: tags }
                lookups:
                  tags: { api: hub, url: "/tags/{value}", path: /name }
                destination: { method: PUT, api: hub, url: "/items/{recordId}" }
                examples:
                  - name: wrong on purpose
                    input: { id: 1, tag: x }
                    lookups: { tags: { x: "X" } }
                    output: { id: 2, tag: "X" }
                """);
        Files.writeString(repo.resolve("integrations/two.yaml"), """
                name: two
                description: two
                owner: team-b
                source: { recordId: /id }
                webhook:
                  mode: full
                  deliveryIdHeader: X-Delivery
                  signature: { header: X-Sig, secret: shared/key, field: key }
                mapping:
                  id: { from: /id }
                destination: { method: POST, api: hub, url: /things }
                """);
        IntegrationRegistry registry = IntegrationRegistry.load(new SpecLoader(k -> Optional.empty(), false), List.of(repo.resolve("integrations")));
        Catalog made = CatalogSources.of(registry, repo, List.of(repo.resolve("integrations")), repo.resolve("infra/template.yaml"));

        Catalog.Api legacy = made.api("legacy.example.org").orElseThrow();
        assertThat(legacy.declared()).isFalse();
        assertThat(legacy.usedBy()).containsExactly("one");
        assertThat(made.api("hub").orElseThrow().usedBy()).containsExactly("one", "two");
        Catalog.Integration one = made.integration("one").orElseThrow();
        assertThat(one.triggers().schedule().inTemplate()).as("no template here").isFalse();
        assertThat(one.examples()).singleElement().satisfies(e -> {
            assertThat(e.passed()).isFalse();
            assertThat(e.problem()).contains("expected");
        });
        assertThat(one.apis()).extracting(Catalog.ApiUse::role).containsExactly(Catalog.Role.READS, Catalog.Role.WRITES, Catalog.Role.LOOKS_UP);
        assertThat(one.apis().get(1).endpoints()).containsExactly("PUT /items/{recordId}");

        DependencyGraph graph = new DependencyGraph(made);
        // shared/key is both two's webhook key and hub's API key: everyone who calls hub, and two's webhooks.
        Impact key = graph.impact("shared/key").orElseThrow();
        assertThat(key.integrations()).extracting(Impact.Dependent::integration).containsExactly("one", "two");
        assertThat(key.schedules()).extracting(Impact.ScheduleHit::integration).containsExactly("one");
        assertThat(key.fields()).extracting(f -> f.integration() + "." + f.field()).contains("one.tag", "two.id");
        assertThat(graph.neighbours("api:hub")).containsExactly("integration:one", "integration:two", "secret:shared/key");
        assertThat(graph.dependents("secret:shared/key")).containsExactly("api:hub", "integration:one", "integration:two");
        Impact legacyImpact = graph.impact("legacy.example.org").orElseThrow();
        assertThat(legacyImpact.fields()).extracting(Impact.FieldHit::field).containsExactly("id", "tag");
    }

    @Test
    void catalogJsonHoldsTheModelAndNoSecretValues(@TempDir Path out) throws Exception {
        CatalogWriter.write(catalog, out, "ferry-platform");
        JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve(CatalogWriter.JSON_FILE)));
        assertThat(json.path("version").asInt()).isEqualTo(Catalog.VERSION);
        assertThat(json.path("integrations").size()).isEqualTo(shipped.all().size());
        JsonNode crm = null;
        for (JsonNode i : json.path("integrations")) {
            if (i.path("name").asText().equals("crm-contacts")) crm = i;
        }
        assertThat(crm).isNotNull();
        assertThat(crm.at("/triggers/webhook/path").asText()).isEqualTo("/webhooks/crm-contacts");
        assertThat(crm.at("/triggers/reconciliation").asBoolean()).isTrue();
        Set<String> secrets = new HashSet<>();
        crm.path("secrets").forEach(s -> secrets.add(s.path("secret").asText()));
        assertThat(secrets).containsExactlyInAnyOrder("ferry/crm/api", "ferry/billing/api", "ferry/crm/webhook");
        // Secret entries say where a secret is, never what is in it: only name, purpose and via.
        crm.path("secrets").forEach(s -> assertThat(s.propertyStream().map(java.util.Map.Entry::getKey).toList())
                .isSubsetOf("secret", "purpose", "via"));
        assertThat(json.path("secrets").size()).as("secrets listed at the top").isGreaterThanOrEqualTo(secrets.size());
        json.path("secrets").forEach(s -> assertThat(s.propertyStream().map(java.util.Map.Entry::getKey).toList())
                .containsExactlyInAnyOrder("name", "heldBy", "usedBy"));
    }

    private static String bare(String id) {
        return id.substring(id.indexOf(':') + 1);
    }

    private static Catalog.Field field(Catalog.Integration i, String name) {
        return i.dataMap().stream().filter(f -> f.field().equals(name)).findFirst().orElseThrow(() -> new AssertionError("no field " + name));
    }
}
