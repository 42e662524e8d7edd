package dev.ferry.shared.spec;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.ferry.shared.spec.SpecLoaderTest.VALID;
import static dev.ferry.shared.spec.SpecLoaderTest.failure;
import static dev.ferry.shared.spec.SpecLoaderTest.loader;
import static org.assertj.core.api.Assertions.assertThat;

/** Load-time checks of lookups: every problem with file, line, path and what is wrong. */
class SpecLoaderLookupsTest {

    /**
     * VALID (20 lines) with a rule "owner_id" (line 14) and a lookups block: "lookups:" is line 22, "owners:" 23,
     * the lookup's first key 24.
     */
    static String withLookup(String rule, String lookup) {
        return VALID.replace("mapping:\n", "mapping:\n  owner_id: " + rule + "\n") + "lookups:\n  owners:\n" + lookup.indent(4);
    }

    static final String GOOD_RULE = "{ from: /owner_email, trim: true, case: lower, lookup: owners, type: integer }";
    static final String GOOD_LOOKUP = """
            url: "https://crm.example.com/users?email={value}"
            auth: { type: api-key, secret: ferry/crm/api, field: apiKey, rotation: "every 90 days" }
            path: /data/0/id
            limits: { requestsPerSecond: 5, burst: 5, timeoutMs: 2000, retries: 1 }""";

    @Test
    void aLookupLoadsWithItsDefaults() {
        IntegrationSpec spec = loader().load("demo.yaml", withLookup(GOOD_RULE, GOOD_LOOKUP));

        IntegrationSpec.Lookup owners = spec.lookups().get("owners");
        assertThat(owners.url()).isEqualTo("https://crm.example.com/users?email={value}");
        assertThat(owners.auth().type()).hasToString("api-key");
        assertThat(owners.path()).isEqualTo("/data/0/id");
        assertThat(owners.ttl()).isEqualTo(Duration.ofSeconds(300));
        assertThat(owners.notFoundTtl()).isEqualTo(Duration.ofSeconds(60));
        assertThat(owners.maxEntriesOrDefault()).isEqualTo(10_000);
        assertThat(owners.rejectsMissing()).isTrue();
        assertThat(owners.limits().requestsPerSecond()).isEqualTo(5.0);
        assertThat(spec.mapping().get("owner_id").lookup()).isEqualTo("owners");
    }

    @Test
    void missingNullIsTheWordNullEvenUnquoted() {
        SpecLoader loader = loader();
        IntegrationSpec plain = loader.load("demo.yaml", withLookup(GOOD_RULE, GOOD_LOOKUP + "\nmissing: null\nttlSeconds: 30"));
        IntegrationSpec quoted = loader.load("demo.yaml", withLookup(GOOD_RULE, GOOD_LOOKUP + "\nmissing: \"null\""));
        IntegrationSpec reject = loader.load("demo.yaml", withLookup(GOOD_RULE, GOOD_LOOKUP + "\nmissing: reject"));

        assertThat(plain.lookups().get("owners").rejectsMissing()).isFalse();
        assertThat(plain.lookups().get("owners").notFoundTtl()).as("min(ttl, 60 s)").isEqualTo(Duration.ofSeconds(30));
        assertThat(quoted.lookups().get("owners").rejectsMissing()).isFalse();
        assertThat(reject.lookups().get("owners").rejectsMissing()).isTrue();
    }

    @Test
    void aRuleNamingAnUndeclaredLookupIsRefusedWithItsLine() {
        SpecException e = failure(loader(), withLookup("{ from: /owner_email, lookup: ownres }", GOOD_LOOKUP));

        assertThat(e.problems()).containsExactly(
                "demo.yaml:14: mapping.owner_id.lookup: no lookup named 'ownres' is declared (declared: owners)");
    }

    @Test
    void urlPathTtlSizeAndPolicyAreChecked() {
        SpecException e = failure(loader(), withLookup(GOOD_RULE, """
                url: "https://crm.example.com/users"
                ttlSeconds: 0
                maxEntries: -1"""));

        assertThat(e.problems()).containsExactlyInAnyOrder(
                "demo.yaml:24: lookups.owners.url: must contain {value}, where the URL-encoded value goes"
                        + " (e.g. https://api.example.com/users?email={value})",
                "demo.yaml:23: lookups.owners.path: is required: a JSON Pointer to the answer in the response (e.g. /data/0/id)",
                "demo.yaml:25: lookups.owners.ttlSeconds: must be positive (seconds an answer is cached)",
                "demo.yaml:26: lookups.owners.maxEntries: must be positive (values cached per function instance)");
        assertThat(failure(loader(), withLookup(GOOD_RULE, GOOD_LOOKUP + "\nmissing: skip")).problems()).singleElement().asString()
                .endsWith(": lookups.owners.missing: must be one of [null, reject], got 'skip'");
    }

    @Test
    void urlIsRequiredAndMustBeHttpsOutsideLocalMode() {
        assertThat(failure(loader(), withLookup(GOOD_RULE, "path: /id")).problems())
                .containsExactly("demo.yaml:23: lookups.owners.url: is required");
        assertThat(failure(loader(), withLookup(GOOD_RULE, "url: \"http://crm.local/u/{value}\"\npath: /id")).problems())
                .containsExactly("demo.yaml:24: lookups.owners.url: plain http:// is only allowed in local mode; use https://");
        assertThat(failure(loader(), withLookup(GOOD_RULE, "url: \"https://crm/u/{value}\"\npath: data")).problems())
                .containsExactly("demo.yaml:25: lookups.owners.path: must be a JSON Pointer starting with '/', got 'data'");
    }

    @Test
    void credentialsAreNamedNeverWritten() {
        SpecException literal = failure(loader(), withLookup(GOOD_RULE, """
                url: "https://crm.example.com/users?email={value}"
                auth: { type: api-key, apiKey: "k-12345678901234" }
                path: /id"""));
        assertThat(literal.problems()).singleElement().asString()
                .startsWith("demo.yaml:25: lookups.owners.auth.apiKey: holds what looks like")
                .doesNotContain("k-12345678901234");

        SpecException inUrl = failure(loader(), withLookup(GOOD_RULE, """
                url: "https://crm.example.com/users?email={value}&api_key=abcdef123456"
                path: /id"""));
        assertThat(inUrl.problems()).singleElement().asString().contains("lookups.owners.url: holds what looks like a URL with a credential")
                .doesNotContain("abcdef123456");

        SpecException noSecret = failure(loader(), withLookup(GOOD_RULE, """
                url: "https://crm.example.com/users?email={value}"
                auth: { type: bearer }
                path: /id"""));
        assertThat(noSecret.problems()).containsExactly("demo.yaml:25: lookups.owners.auth.secret: is required: name the"
                + " Secrets Manager secret that holds the credential");
    }

    @Test
    void examplesAnswerOnlyDeclaredLookupsAndUnusedLookupsWarn() {
        String yaml = withLookup(GOOD_RULE, GOOD_LOOKUP) + """
                examples:
                  - input: { id: "1", owner_email: a@example.com }
                    lookups: { owner: { a@example.com: 1 } }
                    output: { id: "1", owner_id: 1 }
                """;
        assertThat(failure(loader(), yaml).problems())
                .containsExactly("demo.yaml:30: examples[0].lookups.owner: answers a lookup the spec does not declare");

        SpecLoader loader = loader();
        loader.load("demo.yaml", VALID + "lookups:\n  owners:\n" + GOOD_LOOKUP.indent(4));
        assertThat(loader.warnings()).contains("demo.yaml:22: lookups.owners: declared but no mapping rule uses it");
    }
}
