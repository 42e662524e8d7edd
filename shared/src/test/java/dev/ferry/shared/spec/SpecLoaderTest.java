package dev.ferry.shared.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SpecLoaderTest {

    /** A complete, valid spec; line numbers matter to some tests (line 1 is "name: demo"). */
    static final String VALID = """
            name: demo
            description: a test integration
            owner: tests
            source:
              recordId: /id
              version: /updated_at
              auth: { type: bearer, secret: ferry/demo/source, field: token }
              get: { url: "https://source.example.com/items/{id}" }
            webhook:
              mode: full
              deliveryIdHeader: X-Delivery
              signature: { header: X-Signature, prefix: "sha256=", secret: ferry/demo/hook, field: key }
            mapping:
              id: { from: /id, required: true }
              contact.email: { from: /email }
              origin: { value: demo }
            destination:
              method: POST
              url: "https://dest.example.com/items/{recordId}"
              auth: { type: api-key, secret: ferry/demo/dest, header: X-Api-Key }
            """;

    static final Function<String, Optional<String>> NO_SETTINGS = key -> Optional.empty();

    static SpecLoader loader() {
        return new SpecLoader(NO_SETTINGS, false);
    }

    /** The 0-based index of the first line holding {@code text}. */
    static int lineOf(String yaml, String text) {
        return java.util.Arrays.asList(yaml.split("\n", -1)).indexOf(java.util.Arrays.stream(yaml.split("\n", -1))
                .filter(l -> l.contains(text)).findFirst().orElseThrow());
    }

    static SpecException failure(SpecLoader loader, String yaml) {
        SpecException e = catchThrowableOfType(SpecException.class, () -> loader.load("demo.yaml", yaml));
        assertThat(e).as("expected a SpecException").isNotNull();
        return e;
    }

    static String without(String yaml, String line) {
        assertThat(yaml).contains(line + "\n");
        return yaml.replace(line + "\n", "");
    }

    @Test
    void loadsAValidSpec() {
        IntegrationSpec spec = loader().load("demo.yaml", VALID);

        assertThat(spec.name()).isEqualTo("demo");
        assertThat(spec.owner()).isEqualTo("tests");
        assertThat(spec.source().recordId()).isEqualTo("/id");
        assertThat(spec.source().version()).isEqualTo("/updated_at");
        assertThat(spec.source().auth().type()).hasToString("bearer");
        assertThat(spec.source().get().url()).isEqualTo("https://source.example.com/items/{id}");
        assertThat(spec.webhook().thin()).isFalse();
        assertThat(spec.webhook().signature().prefix()).isEqualTo("sha256=");
        assertThat(spec.mapping()).containsOnlyKeys("id", "contact.email", "origin");
        assertThat(spec.mapping().keySet()).containsExactly("id", "contact.email", "origin");
        assertThat(spec.mapping().get("id").isRequired()).isTrue();
        assertThat(spec.mapping().get("contact.email").isRequired()).isFalse();
        assertThat(spec.mapping().get("origin").value().asText()).isEqualTo("demo");
        assertThat(spec.destination().method()).hasToString("POST");
        assertThat(spec.destination().url()).isEqualTo("https://dest.example.com/items/{recordId}");
        assertThat(spec.destination().auth().header()).isEqualTo("X-Api-Key");
        assertThat(spec.limits().maxBodyBytes()).isNull();
    }

    @Test
    void unknownTopLevelKeyNamesFileLinePathAndKey() {
        String yaml = VALID.replace("owner: tests\n", "owner: tests\ncolour: blue\n");
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).hasSize(1);
        String problem = e.problems().getFirst();
        assertThat(problem).matches("demo\\.yaml:\\d+: colour: unknown key 'colour' .*");
        assertThat(problem).contains("known keys:").contains("destination");
    }

    @Test
    void anIdempotencyKeyTemplateIsLoadedAndChecked() {
        String templated = VALID.replace("  version: /updated_at\n", "  idempotencyKey: \"{/id}@{/updated_at}#{/revision}\"\n");
        assertThat(loader().load("demo.yaml", templated).source().idempotencyKey()).isEqualTo("{/id}@{/updated_at}#{/revision}");

        assertThat(failure(loader(), VALID.replace("  version: /updated_at\n", "  idempotencyKey: \"{id}-{updated_at}\"\n")).problems())
                .singleElement().asString().contains("source.idempotencyKey: needs at least one {/pointer} part");
        assertThat(failure(loader(), VALID.replace("  version: /updated_at\n", "  version: /updated_at\n  idempotencyKey: \"{/id}@{/rev}\"\n"))
                .problems()).singleElement().asString().contains("source.idempotencyKey: and source.version both define the key");
    }

    @Test
    void unknownNestedKeyNamesItsPath() {
        String yaml = VALID.replace("  version: /updated_at\n", "  version: /updated_at\n  verson: x\n");
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).singleElement().asString()
                .matches("demo\\.yaml:\\d+: source\\.verson: unknown key 'verson' .*")
                .contains("recordId").contains("version");
    }

    @Test
    void unknownKeyInAFlowMappingNamesItsPath() {
        String yaml = VALID.replace("  id: { from: /id, required: true }\n", "  id: { from: /id, requird: true }\n"); // line 14
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).singleElement().asString()
                .startsWith("demo.yaml:14: mapping.id.requird: unknown key 'requird'");
    }

    @Test
    void unknownKeyNamesTheLineOfTheKey() {
        String top = VALID.replace("owner: tests\n", "owner: tests\ncolour: blue\n"); // line 4
        assertThat(failure(loader(), top).problems()).singleElement().asString().startsWith("demo.yaml:4: colour: ");

        String nested = VALID.replace("  version: /updated_at\n", "  version: /updated_at\n  verson: x\n"); // line 7
        assertThat(failure(loader(), nested).problems()).singleElement().asString().startsWith("demo.yaml:7: source.verson: ");
    }

    @Test
    void wrongTypeNamesFileAndPath() {
        String yaml = VALID + "limits: { maxBodyBytes: lots }\n";
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().getFirst()).startsWith("demo.yaml:").contains("limits.maxBodyBytes");
    }

    @Test
    void wrongTypeForAWholeSectionNamesThePath() {
        String yaml = VALID.replace("  deliveryIdHeader: X-Delivery\n", "  deliveryIdHeader: [a, b]\n");
        SpecException e = failure(loader(), yaml);

        assertThat(e.getMessage()).startsWith("demo.yaml:11: ").contains("webhook.deliveryIdHeader");
    }

    @Test
    void invalidYamlIsReportedWithTheFile() {
        SpecException e = failure(loader(), "name: [unclosed\n");
        assertThat(e.getMessage()).startsWith("demo.yaml");
    }

    @Test
    void emptyDocumentIsReported() {
        assertThat(failure(loader(), "---\n").problems()).containsExactly("demo.yaml: the file is empty");
    }

    @Test
    void emptyFileNamesTheFile() {
        assertThat(failure(loader(), "").getMessage()).startsWith("demo.yaml");
        assertThat(failure(loader(), "# nothing yet\n").getMessage()).startsWith("demo.yaml");
    }

    @Test
    void emptyFileSaysItIsEmpty() {
        assertThat(failure(loader(), "").problems()).containsExactly("demo.yaml: the file is empty");
        assertThat(failure(loader(), "# nothing yet\n").problems()).containsExactly("demo.yaml: the file is empty");
    }

    /** Removes the one line that contains {@code token}. */
    static String withoutLineContaining(String yaml, String token) {
        String[] lines = yaml.split("\n", -1);
        StringBuilder out = new StringBuilder();
        int removed = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains(token)) {
                removed++;
                continue;
            }
            out.append(lines[i]);
            if (i < lines.length - 1) {
                out.append('\n');
            }
        }
        assertThat(removed).as("lines containing " + token).isEqualTo(1);
        return out.toString();
    }

    @ParameterizedTest(name = "missing {1}")
    @CsvSource({
            "'name: demo', name",
            "'dest.example.com', destination.url",
            "'recordId: /id', source.recordId",
            "'signature:', webhook.signature",
            "'deliveryIdHeader:', webhook.deliveryIdHeader",
            "'method: POST', destination.method",
    })
    void missingRequiredFieldIsNamed(String token, String field) {
        SpecException e = failure(loader(), withoutLineContaining(VALID, token));

        // the line of the missing key's parent (none for a top-level key such as name)
        String named = "demo\\.yaml(:\\d+)?: " + java.util.regex.Pattern.quote(field) + ": .*";
        assertThat(e.problems()).isNotEmpty().allSatisfy(p -> assertThat(p).matches("(?s)" + named));
    }

    @Test
    void missingDestinationIsNamed() {
        String yaml = VALID.substring(0, VALID.indexOf("destination:"));
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).contains("demo.yaml: destination: is required");
    }

    @Test
    void missingMappingIsNamed() {
        String yaml = VALID.replaceAll("(?s)mapping:\n.*?(?=destination:)", "");
        assertThat(yaml).doesNotContain("mapping");
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("demo.yaml: mapping: ").contains("required"));
    }

    @Test
    void fromAndValueTogetherIsAnError() {
        String yaml = VALID.replace("  origin: { value: demo }\n", "  origin: { from: /origin, value: demo }\n");
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).singleElement().asString()
                .startsWith("demo.yaml:16: mapping.origin: ").contains("exactly one of 'from'").contains("'value'");
    }

    @Test
    void neitherFromNorValueIsAnError() {
        String yaml = VALID.replace("  origin: { value: demo }\n", "  origin: { required: true }\n");
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).singleElement().asString().startsWith("demo.yaml:16: mapping.origin: ");
    }

    @Test
    void emptyRuleIsAnError() {
        String yaml = VALID.replace("  origin: { value: demo }\n", "  origin:\n");
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).singleElement().asString().startsWith("demo.yaml:16: mapping.origin: ");
    }

    @Test
    void fromMustBeAJsonPointer() {
        String yaml = VALID.replace("{ from: /email }", "{ from: email }");
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).singleElement().asString()
                .startsWith("demo.yaml:15: mapping.contact.email.from: ").contains("JSON Pointer");
    }

    @Test
    void placeholdersResolveFromTheLookup() {
        String yaml = VALID.replace("https://dest.example.com", "${dest.url}")
                .replace("https://source.example.com", "${source.url:https://fallback.example.com}");
        Map<String, String> settings = Map.of("dest.url", "https://configured.example.com/api");
        IntegrationSpec spec = new SpecLoader(k -> Optional.ofNullable(settings.get(k)), false).load("demo.yaml", yaml);

        assertThat(spec.destination().url()).isEqualTo("https://configured.example.com/api/items/{recordId}");
        assertThat(spec.source().get().url()).isEqualTo("https://fallback.example.com/items/{id}");
    }

    @Test
    void configuredSettingWinsOverDefault() {
        String yaml = VALID.replace("https://dest.example.com", "${dest.url:https://default.example.com}");
        IntegrationSpec spec = new SpecLoader(k -> k.equals("dest.url") ? Optional.of("https://set.example.com") : Optional.empty(),
                false).load("demo.yaml", yaml);

        assertThat(spec.destination().url()).isEqualTo("https://set.example.com/items/{recordId}");
    }

    @Test
    void unresolvedPlaceholderNamesFileLineAndSetting() {
        String yaml = VALID.replace("https://dest.example.com", "${dest.url}"); // line 19
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).singleElement().asString()
                .startsWith("demo.yaml:19: ").contains("'dest.url'").contains("not configured");
    }

    @Test
    void everyUnresolvedPlaceholderIsReported() {
        String yaml = VALID.replace("https://dest.example.com", "${dest.url}")
                .replace("https://source.example.com", "${source.url}");
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("demo.yaml:8: ").contains("'source.url'"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("demo.yaml:19: ").contains("'dest.url'"));
    }

    @Test
    void plainHttpIsRejectedOutsideLocalMode() {
        String yaml = VALID.replace("https://dest.example.com", "http://dest.example.com");
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).singleElement().asString()
                .startsWith("demo.yaml:19: destination.url: ").contains("http://");
    }

    @Test
    void plainHttpIsAllowedInLocalMode() {
        String yaml = VALID.replace("https://dest.example.com", "http://127.0.0.1:8080");
        IntegrationSpec spec = new SpecLoader(NO_SETTINGS, true).load("demo.yaml", yaml);

        assertThat(spec.destination().url()).isEqualTo("http://127.0.0.1:8080/items/{recordId}");
    }

    @Test
    void nonHttpUrlIsRejectedEvenInLocalMode() {
        String yaml = VALID.replace("https://dest.example.com/items/{recordId}", "ftp://dest.example.com/x");
        SpecException e = failure(new SpecLoader(NO_SETTINGS, true), yaml);

        assertThat(e.problems()).singleElement().asString().startsWith("demo.yaml:19: destination.url: ");
    }

    @Test
    void aProblemInAMappingFieldWhoseNameHoldsDotsCarriesItsLine() {
        // "contact.email" is one key of the mapping, not contact → email: its line is found all the same.
        String yaml = VALID.replace("  contact.email: { from: /email }\n", "  contact.email: { from: email }\n  contact: { value: x }\n");
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).singleElement().asString().startsWith("demo.yaml:15: mapping.contact.email.from: ");
    }

    @Test
    void severalProblemsAreReportedTogether() {
        String yaml = without(VALID, "name: demo")
                .replace("{ type: bearer, secret: ferry/demo/source, field: token }", "{ type: bearer }")
                .replace("  id: { from: /id, required: true }\n", "  id: { from: /id, value: 1 }\n");
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).contains("demo.yaml: name: is required");
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("demo.yaml:6: source.auth.secret: "));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("demo.yaml:13: mapping.id: "));
        assertThat(e.problems()).hasSize(3);
        assertThat(e.getMessage()).startsWith("3 problems").contains("name: is required").contains("mapping.id");
    }

    @Test
    void fixedValuesIgnoreLetterCaseAsBefore() {
        IntegrationSpec spec = loader().load("demo.yaml", VALID.replace("method: POST", "method: post").replace("mode: full", "mode: Full"));

        assertThat(spec.destination().method()).isEqualTo(Options.HttpMethod.POST);
        assertThat(spec.webhook().mode()).isEqualTo(Options.WebhookMode.FULL);
    }

    @Test
    void anUnknownFixedValueNamesTheAcceptedOnesAndItsLine() {
        // a value outside a fixed set fails while reading (alone: the rest cannot be checked against a half-read spec)
        String yaml = VALID.replace("{ type: bearer, secret: ferry/demo/source, field: token }", "{ type: digest }");

        assertThat(failure(loader(), yaml).problems()).containsExactly("demo.yaml:" + (lineOf(yaml, "type: digest") + 1)
                + ": source.auth.type: must be one of [api-key, aws-sigv4, basic, bearer, hmac, none, oauth2-client-credentials,"
                + " oauth2-refresh-token], got 'digest'");
    }

    @Test
    void thinWebhookNeedsSourceGet() {
        String yaml = VALID.replace("mode: full", "mode: thin")
                .replace("  get: { url: \"https://source.example.com/items/{id}\" }\n", "");
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).singleElement().asString().startsWith("demo.yaml:4: source.get: ");
    }

    @Test
    void scheduleNeedsSourceList() {
        String yaml = VALID + "schedule: rate(5 minutes)\n";
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).singleElement().asString().startsWith("demo.yaml:4: source.list: ");
    }

    @Test
    void specWithNeitherWebhookNorScheduleIsRejected() {
        String yaml = VALID.replaceAll("(?s)webhook:\n.*?(?=mapping:)", "");
        SpecException e = failure(loader(), yaml);

        assertThat(e.problems()).singleElement().asString().contains("neither a webhook nor a schedule");
    }

    @Test
    void badNameIsRejected() {
        SpecException e = failure(loader(), VALID.replace("name: demo", "name: Demo_Integration"));
        assertThat(e.problems()).singleElement().asString().startsWith("demo.yaml:1: name: ").contains("Demo_Integration");
    }

    @Test
    void nonPositiveBodyLimitIsRejected() {
        SpecException e = failure(loader(), VALID + "limits: { maxBodyBytes: 0 }\n");
        assertThat(e.problems()).singleElement().asString().startsWith("demo.yaml:21: limits.maxBodyBytes: ");
    }

    @Test
    void aYamlSyntaxErrorKeepsItsLineAndColumn() {
        // An unclosed flow mapping on the line of `get:`, and a key indented under a scalar further down.
        String broken = VALID.replace("get: { url: \"https://source.example.com/items/{id}\" }", "get: { url: \"https://x/{id}\"");
        String problem = failure(loader(), broken).problems().getFirst();
        assertThat(problem).matches("demo\\.yaml:\\d+:\\d+: not valid YAML: .+").doesNotContain("\n");
        int line = Integer.parseInt(problem.split(":")[1]);
        assertThat(line).isBetween(lineOf(VALID, "get: {") + 1, lineOf(VALID, "webhook:") + 1);

        String tabbed = VALID.replace("owner: tests", "owner: tests\n  stray: [1, 2");
        assertThat(failure(loader(), tabbed).problems().getFirst()).startsWith("demo.yaml:").contains(": not valid YAML: ");
    }
}
