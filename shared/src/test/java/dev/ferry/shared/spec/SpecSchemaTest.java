package dev.ferry.shared.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.ferry.shared.json.Json;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped editor schema is current, and every spec in the repo satisfies it. */
class SpecSchemaTest {

    static final Path SHIPPED = Path.of("../docs/schema/integration.schema.json");

    /**
     * The shipped file must equal the generated schema. With FERRY_WRITE_SCHEMA set, a stale file is rewritten and the
     * test fails all the same (run it again without the switch): comparing a file just written with itself would pass
     * whatever the generator produced.
     */
    static void compareOrRewrite(Path shipped, String generated) throws java.io.IOException {
        String current = Files.isRegularFile(shipped) ? Files.readString(shipped) : null;
        String stale = shipped + " is stale: run FERRY_WRITE_SCHEMA=1 ./mvnw -pl shared test -Dtest=SpecSchemaTest, review the diff, then"
                + " run the test again without FERRY_WRITE_SCHEMA";
        if (System.getenv("FERRY_WRITE_SCHEMA") != null && !generated.equals(current)) {
            Files.writeString(shipped, generated);
            throw new AssertionError(shipped + " was stale and has been rewritten: review the diff and run the test again"
                    + " without FERRY_WRITE_SCHEMA");
        }
        assertThat(current).as(stale).isEqualTo(generated);
    }

    @Test
    void theShippedSchemaIsTheGeneratedOne() throws Exception {
        String generated = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(SpecSchema.generate()) + "\n";
        compareOrRewrite(SHIPPED, generated);
    }

    /** Every fixed-value option, as (definition, property): editors must be offered its values. */
    static final List<String[]> FIXED = List.of(new String[][] {
        {"Auth", "type"}, {"Auth", "algorithm"}, {"Auth", "encoding"}, {"Webhook", "mode"}, {"Signature", "scheme"},
        {"Signature", "algorithm"}, {"Signature", "encoding"}, {"Pagination", "type"}, {"Cursor", "type"},
        {"FieldRule", "pick"}, {"FieldRule", "case"}, {"FieldRule", "unknown"}, {"FieldRule", "type"},
        {"FieldRule", "rounding"}, {"FieldRule", "null"}, {"FieldRule", "absent"}, {"FieldRule", "empty"},
        {"Lookup", "missing"}, {"Destination", "method"}, {"Destination", "nulls"}, {"Batch", "method"}});

    @Test
    void everyFixedValueOptionListsItsValuesAndPatternsStayFree() {
        JsonNode schema = SpecSchema.generate();
        for (String[] option : FIXED) {
            JsonNode property = schema.path("$defs").path(option[0]).path("properties").path(option[1]);
            assertThat(property.path("enum").isArray() && !property.path("enum").isEmpty())
                    .as("%s.%s lists its values: %s", option[0], option[1], property).isTrue();
        }
        assertThat(schema.path("$defs").path("Auth").path("properties").path("type").path("enum"))
                .extracting(JsonNode::asText).contains("api-key", "oauth2-client-credentials", "aws-sigv4");
        assertThat(schema.path("$defs").path("FieldRule").path("properties").path("rounding").path("enum"))
                .extracting(JsonNode::asText).contains("HALF_EVEN", "UNNECESSARY");
        // `missing: null` is a value too
        assertThat(schema.path("$defs").path("Lookup").path("properties").path("missing").path("enum"))
                .extracting(JsonNode::asText).containsExactlyInAnyOrder("reject", "null", "null");
        for (String free : List.of("format", "output", "zone")) {
            assertThat(schema.path("$defs").path("FieldRule").path("properties").path(free).has("enum")).as(free).isFalse();
        }
        assertThat(SpecSchema.generateApi().path("properties").path("rateLimitHeaders").path("enum"))
                .extracting(JsonNode::asText).containsExactly("auto", "none");
    }

    static final Path SHIPPED_API = Path.of("../docs/schema/api.schema.json");

    @Test
    void theShippedApiSchemaIsTheGeneratedOneAndEveryApiSatisfiesIt() throws Exception {
        String generated = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(SpecSchema.generateApi()) + "\n";
        compareOrRewrite(SHIPPED_API, generated);
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(SpecSchema.generateApi());
        List<Path> apis = new ArrayList<>();
        for (String dir : List.of("../apis", "../sandbox/apis")) {
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                files.filter(f -> f.toString().endsWith(".yaml")).forEach(apis::add);
            }
        }
        assertThat(apis).hasSizeGreaterThanOrEqualTo(5);
        for (Path api : apis) {
            assertThat(schema.validate(new YAMLMapper().readTree(Files.readString(api)))).as(api.toString()).isEmpty();
        }
    }

    @Test
    void everySpecInTheRepoSatisfiesIt() throws Exception {
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(SpecSchema.generate());
        List<Path> specs = new ArrayList<>();
        for (String dir : List.of("../integrations", "../sandbox/integrations")) {
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                files.filter(f -> f.toString().endsWith(".yaml")).forEach(specs::add);
            }
        }
        assertThat(specs).hasSizeGreaterThanOrEqualTo(6);
        for (Path spec : specs) {
            JsonNode yaml = new YAMLMapper().readTree(Files.readString(spec));
            assertThat(schema.validate(yaml)).as(spec.toString()).isEmpty();
        }
    }

    @Test
    void aMisspelledKeyBreaksTheSchema() throws Exception {
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(SpecSchema.generate());
        JsonNode yaml = new YAMLMapper().readTree("name: x\nsource: { recordId: /id }\nmapping: { a: { form: /a } }\n"
                + "destination: { method: PUT, url: 'https://x' }\n");
        assertThat(schema.validate(yaml)).extracting(Object::toString).anyMatch(m -> m.contains("form"));
    }
}
