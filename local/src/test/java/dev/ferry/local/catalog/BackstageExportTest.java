package dev.ferry.local.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code catalog-info.yaml} is what Backstage accepts: every entity validates against Backstage's own JSON Schema for its
 * kind (vendored unchanged in src/test/resources/backstage-schema), names follow Backstage's name rule, and every
 * relation points at an entity in the same file.
 */
class BackstageExportTest {

    /** Backstage's entity name rule (catalog-model's KubernetesValidatorFunctions.isValidObjectName). */
    static final Pattern NAME = Pattern.compile("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$");
    static final String BASE = "https://backstage.io/schema/";
    static final Map<String, String> FILES = Map.of("Entity", "Entity.schema.json", "EntityMeta", "EntityMeta.schema.json",
            "common", "shared/common.schema.json", "ComponentV1alpha1", "kinds/Component.v1alpha1.schema.json",
            "ApiV1alpha1", "kinds/API.v1alpha1.schema.json", "ResourceV1alpha1", "kinds/Resource.v1alpha1.schema.json");
    static final Map<String, String> SCHEMA_OF_KIND = Map.of("Component", "ComponentV1alpha1", "API", "ApiV1alpha1", "Resource", "ResourceV1alpha1");

    // The schemas name each other by bare $id ("Entity", "common#relation"): resolved against one base, mapped to the files.
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7, b -> b.schemaMappers(m -> m.mappings(iri -> {
        if (!iri.startsWith(BASE)) return null;
        String file = FILES.get(iri.substring(BASE.length()).replaceAll("#.*$", ""));
        return file == null ? null : "classpath:backstage-schema/" + file;
    })));

    @Test
    void everyEntityValidatesAgainstBackstagesSchemaForItsKind(@TempDir Path out) throws Exception {
        Catalog catalog = Specs.shippedCatalog();
        CatalogWriter.write(catalog, out, "ferry-platform");
        List<JsonNode> entities = read(out.resolve(CatalogWriter.BACKSTAGE_FILE));
        assertThat(entities).hasSize(catalog.integrations().size() + catalog.apis().size() + catalog.queues().size() + catalog.tables().size()
                + catalog.secrets().size());
        for (JsonNode entity : entities) {
            String kind = entity.path("kind").asText();
            assertThat(SCHEMA_OF_KIND).as("kind %s", kind).containsKey(kind);
            JsonSchema schema = factory.getSchema(SchemaLocation.of(BASE + SCHEMA_OF_KIND.get(kind)));
            Set<ValidationMessage> problems = schema.validate(entity);
            assertThat(problems).as("%s %s", kind, entity.at("/metadata/name").asText()).isEmpty();
            assertThat(entity.at("/metadata/name").asText()).matches(NAME).hasSizeLessThanOrEqualTo(63);
        }
    }

    @Test
    void theSchemasReallyCheck() {
        // An entity missing what Backstage requires is refused: the vendored schemas and their references are in force.
        JsonNode bad = new YAMLMapper().valueToTree(Map.of("apiVersion", BackstageExport.API_VERSION, "kind", "Component",
                "metadata", Map.of("name", "x"), "spec", Map.of("type", "integration"), "extra", 1));
        Set<ValidationMessage> problems = factory.getSchema(SchemaLocation.of(BASE + "ComponentV1alpha1")).validate(bad);
        assertThat(problems).extracting(ValidationMessage::getMessage).anyMatch(m -> m.contains("lifecycle"))
                .anyMatch(m -> m.contains("owner")).anyMatch(m -> m.contains("extra"));
    }

    @Test
    void relationsPointAtEntitiesInTheExportAndFollowTheSpecs(@TempDir Path out) throws Exception {
        Catalog catalog = Specs.shippedCatalog();
        CatalogWriter.write(catalog, out, "ferry-platform");
        List<JsonNode> entities = read(out.resolve(CatalogWriter.BACKSTAGE_FILE));
        Set<String> refs = new HashSet<>();
        entities.forEach(e -> refs.add(e.path("kind").asText().toLowerCase(java.util.Locale.ROOT) + ":" + e.at("/metadata/name").asText()));
        var shipped = Specs.shipped();
        int relations = 0;
        for (JsonNode e : entities) {
            e.at("/spec/consumesApis").forEach(r -> assertThat(refs).contains(r.asText()));
            e.at("/spec/dependsOn").forEach(r -> assertThat(refs).contains(r.asText()));
            relations += e.at("/spec/consumesApis").size() + e.at("/spec/dependsOn").size();
            if (e.path("kind").asText().equals("Component")) {
                String name = e.at("/metadata/name").asText();
                var spec = shipped.require(name);
                List<String> apis = new ArrayList<>();
                e.at("/spec/consumesApis").forEach(r -> apis.add(r.asText().substring(4)));
                assertThat(apis).as(name).containsExactlyInAnyOrderElementsOf(Specs.apisOf(spec));
                assertThat(e.at("/spec/owner").asText()).isEqualTo("group:" + spec.owner());
                if (spec.webhook() != null && spec.webhook().signature() != null) {
                    assertThat(e.at("/spec/dependsOn").toString()).contains(BackstageExport.secretName(spec.webhook().signature().secret()));
                }
            }
        }
        assertThat(refs).contains("resource:secret-ferry-crm-api", "resource:ferry-deliver-dlq", "resource:ferry-idempotency", "api:billing");
        // the callbacks above ran: the export has relations to check (a path the export stopped writing checks none)
        assertThat(relations).as("relations checked").isGreaterThan(entities.size() / 2);
    }

    @Test
    void namesAreMadeValid() {
        assertThat(BackstageExport.secretName("ferry/crm/api")).isEqualTo("secret-ferry-crm-api");
        assertThat(BackstageExport.name("/weird//name/")).isEqualTo("weird-name");
        String longName = BackstageExport.name("x".repeat(100));
        assertThat(longName).hasSizeLessThanOrEqualTo(63).matches(NAME);
        assertThat(BackstageExport.owner("revenue-platform")).isEqualTo("group:revenue-platform");
        assertThat(BackstageExport.owner("user:ada")).isEqualTo("user:ada");
    }

    private static List<JsonNode> read(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        YAMLMapper yaml = new YAMLMapper();
        try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(Files.readString(file))) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }
}
