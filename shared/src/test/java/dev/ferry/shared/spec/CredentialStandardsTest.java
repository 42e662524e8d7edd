package dev.ferry.shared.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The credential standards enforced when a spec is loaded (issue 4, part 4). */
class CredentialStandardsTest {

    static final String VALID = SpecLoaderTest.VALID;

    static SpecException failure(String yaml) {
        SpecException e = catchThrowableOfType(SpecException.class, () -> SpecLoaderTest.loader().load("demo.yaml", yaml));
        assertThat(e).as("expected a SpecException").isNotNull();
        return e;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a token key in auth         | '{ type: bearer, secret: ferry/demo/source, field: token }' | '{ type: bearer, token: abc123def }'          | source.auth.token     | literal credential",
            "a Stripe key as secret name | '{ type: bearer, secret: ferry/demo/source, field: token }' | '{ type: bearer, secret: sk_live_4eC39HqLyjWDarjtT1zdp7dc }' | source.auth.secret | a Stripe API key",
            "a GitHub token              | 'origin: { value: demo }' | 'origin: { value: ghp_16C7e42F292c6912E7710c838347Ae178B4a }' | mapping.origin.value | a GitHub token",
            "an AWS key id               | 'origin: { value: demo }' | 'origin: { value: AKIAIOSFODNN7EXAMPLE }' | mapping.origin.value | an AWS access key id",
            "a JWT                       | 'origin: { value: demo }' | 'origin: { value: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U }' | mapping.origin.value | a JWT",
            "a key in a URL query        | 'https://dest.example.com/items/{recordId}' | 'https://dest.example.com/items/{recordId}?api_key=abcdef123' | destination.url | credential in its query",
            "a password in a URL         | 'https://dest.example.com/items/{recordId}' | 'https://user:hunter22@dest.example.com/items/{recordId}' | destination.url | a URL with a password",
    })
    void literalCredentialIsRejectedNamingThePlaceNotTheValue(String name, String from, String to, String path, String kind) {
        String yaml = VALID.replace(from, to);
        assertThat(yaml).isNotEqualTo(VALID);
        SpecException e = failure(yaml);

        assertThat(e.problems()).singleElement().asString()
                .startsWith("demo.yaml:").contains(": " + path + ": ").contains(kind)
                .contains("Secrets Manager").contains("docs/credentials.md");
        String secretPart = to.replaceAll(".*(token: |secret: |value: |api_key=|user:)([^ }@]+).*", "$2");
        assertThat(e.getMessage()).doesNotContain(secretPart);
    }

    @Test
    void aLiteralAuthorizationHeaderIsRejected() {
        String yaml = VALID.replace("  auth: { type: api-key, secret: ferry/demo/dest, header: X-Api-Key }",
                "  headers: { Authorization: \"Bearer abc.def\" }");
        SpecException e = failure(yaml);

        assertThat(e.problems()).singleElement().asString()
                .contains("destination.headers.Authorization").contains("literal credential").doesNotContain("abc.def");
    }

    @Test
    void oauthWithoutScopesIsRejectedSayingHowToFix() {
        String yaml = VALID.replace("{ type: bearer, secret: ferry/demo/source, field: token }",
                "{ type: oauth2-client-credentials, secret: ferry/demo/oauth, tokenUrl: \"https://auth.example.com/token\" }");
        SpecException e = failure(yaml);

        assertThat(e.problems()).singleElement().asString().startsWith("demo.yaml:7: source.auth.scopes: is required for OAuth2")
                .contains("scopes: [");
        String withScopes = yaml.replace("tokenUrl:", "scopes: [contacts.read], tokenUrl:");
        assertThat(SpecLoaderTest.loader().load("demo.yaml", withScopes).source().auth().scopes()).containsExactly("contacts.read");
    }

    @Test
    void oauthTokenUrlMustBeHttpsOutsideLocalMode() {
        String yaml = VALID.replace("{ type: bearer, secret: ferry/demo/source, field: token }",
                "{ type: oauth2-refresh-token, secret: ferry/demo/oauth, scopes: [a], tokenUrl: \"http://auth.example.com/token\" }");
        assertThat(failure(yaml).problems()).singleElement().asString().startsWith("demo.yaml:7: source.auth.tokenUrl: plain http://");
    }

    @Test
    void staticTokenWithoutRotationMetadataIsAWarningAndRotationSilencesIt() {
        SpecLoader loader = SpecLoaderTest.loader();
        loader.load("demo.yaml", VALID);
        assertThat(loader.warnings()).hasSize(2)
                .anySatisfy(w -> assertThat(w).startsWith("demo.yaml: source.auth: a static bearer credential without rotation metadata"))
                .anySatisfy(w -> assertThat(w).startsWith("demo.yaml: destination.auth: a static api-key credential").contains("rotation:"));

        SpecLoader quiet = SpecLoaderTest.loader();
        quiet.load("demo.yaml", VALID
                .replace("field: token }", "field: token, rotation: \"every 90 days, vendor console\" }")
                .replace("header: X-Api-Key }", "header: X-Api-Key, rotation: \"yearly\" }"));
        assertThat(quiet.warnings()).isEmpty();
    }

    @Test
    void eachAuthTypeChecksItsOwnSettings() {
        String sigv4 = VALID.replace("{ type: api-key, secret: ferry/demo/dest, header: X-Api-Key }", "{ type: aws-sigv4, region: eu-west-1 }");
        assertThat(failure(sigv4).problems()).singleElement().asString().contains("destination.auth: aws-sigv4 needs region and service");
        String both = VALID.replace("header: X-Api-Key }", "header: X-Api-Key, query: key }");
        assertThat(failure(both).problems()).singleElement().asString().contains("header or a query parameter, not both");
        String hmac = VALID.replace("{ type: api-key, secret: ferry/demo/dest, header: X-Api-Key }",
                "{ type: hmac, secret: ferry/demo/dest, algorithm: md5, rotation: yearly }");
        assertThat(failure(hmac).problems()).singleElement().asString()
                .contains("destination.auth.algorithm: must be one of [sha1, sha256, sha512], got 'md5'");
        String role = VALID.replace("{ type: api-key, secret: ferry/demo/dest, header: X-Api-Key }",
                "{ type: aws-sigv4, region: eu-west-1, service: execute-api }");
        assertThat(SpecLoaderTest.loader().load("demo.yaml", role).destination().auth().secret()).isNull();
    }

    @Test
    void signatureSchemesAreCheckedAndTheirDeliveryIdNeedsNoHeader() {
        String stripe = VALID.replace("  deliveryIdHeader: X-Delivery\n", "")
                .replace("{ header: X-Signature, prefix: \"sha256=\", secret: ferry/demo/hook, field: key }",
                        "{ scheme: stripe, secret: ferry/demo/hook, toleranceSeconds: 120 }");
        assertThat(SpecLoaderTest.loader().load("demo.yaml", stripe).webhook().signature().scheme()).hasToString("stripe");

        String unknown = stripe.replace("scheme: stripe", "scheme: paypal");
        assertThat(failure(unknown).problems()).singleElement().asString().contains("webhook.signature.scheme: must be one of")
                .contains("standard-webhooks");
        String extra = stripe.replace("scheme: stripe,", "scheme: github, header: X-Sig,");
        assertThat(failure(extra).problems()).singleElement().asString().contains("webhook.signature.header: only applies to scheme hmac");
        String hmacWithoutId = VALID.replace("  deliveryIdHeader: X-Delivery\n", "");
        assertThat(failure(hmacWithoutId).problems()).singleElement().asString().contains("webhook.deliveryIdHeader: is required");
        String tsWithoutHeader = VALID.replace("field: key }", "field: key, content: \"{timestamp}.{body}\" }");
        assertThat(failure(tsWithoutHeader).problems()).singleElement().asString().contains("webhook.signature.timestampHeader");
    }

    @Test
    void secretNamesAndHeaderNamesAreNotMistakenForCredentials() {
        assertThat(SpecLoaderTest.loader().load("demo.yaml", VALID).destination().auth().secret()).isEqualTo("ferry/demo/dest");
        List<String> fine = List.of("secret: ferry/demo/token-store", "field: apiKey", "header: X-Api-Key");
        for (String line : fine) {
            assertThat(LiteralCredentialsProbe.problems("k:\n  " + line + "\n")).as(line).isEmpty();
        }
    }

    @Test
    void theRepositorysIntegrationsLoadForProductionWithoutWarningsAndUseTheSchemesAndStrategies() throws Exception {
        SpecLoader production = new SpecLoader(k -> java.util.Optional.empty(), false);
        IntegrationRegistry registry = IntegrationRegistry.load(production, List.of(IntegrationRegistryTest.REPO_INTEGRATIONS));

        assertThat(production.warnings()).isEmpty();
        assertThat(registry.all()).extracting(s -> s.webhook() == null ? null : s.webhook().signature().schemeOrDefault())
                .contains(Options.SignatureScheme.HMAC, Options.SignatureScheme.GITHUB, Options.SignatureScheme.STRIPE,
                        Options.SignatureScheme.STANDARD_WEBHOOKS);
        assertThat(registry.all().stream().flatMap(s -> java.util.stream.Stream.of(s.destination().auth(),
                        s.source() == null ? null : s.source().auth())).filter(java.util.Objects::nonNull).map(IntegrationSpec.Auth::type))
                .contains(Options.AuthType.BEARER, Options.AuthType.OAUTH2_CLIENT_CREDENTIALS, Options.AuthType.OAUTH2_REFRESH_TOKEN,
                        Options.AuthType.HMAC, Options.AuthType.AWS_SIGV4);
    }

    /** Reaches the package-private scanner directly. */
    static final class LiteralCredentialsProbe {
        static List<String> problems(String yaml) {
            List<String> out = new java.util.ArrayList<>();
            LiteralCredentials.find("x.yaml", yaml, new com.fasterxml.jackson.dataformat.yaml.YAMLFactory(), out);
            return out;
        }
    }
}
