package dev.ferry.shared.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Integrations refer to APIs declared once in apis/; the references compile into full sections at load. */
class ApiReferencesTest {

    static final SpecLoader LOADER = new SpecLoader(k -> k.equals("billing.url") ? Optional.of("https://billing.test/v1")
            : Optional.empty(), false);

    static final String BILLING = """
            name: billing
            description: the billing API
            owner: billing-team
            docs: https://docs.billing.test
            baseUrl: "${billing.url:https://api.billing.example.com}"
            auth: { type: bearer, secret: ferry/billing/api, field: token, rotation: "rolled every 90 days" }
            limits: { requestsPerSecond: 20, burst: 10, timeoutMs: 3000, retries: 2, circuitBreaker: { requestVolume: 8 } }
            pagination: { type: next-token, tokenPath: /next, tokenParam: cursor }
            health: /health
            """;

    static String integration(String name, String extraDestination, String limits) {
        return """
                name: %s
                source: { recordId: /id, api: billing, list: { url: /customers, recordsPath: /data } }
                schedule: rate(5 minutes)
                mapping: { id: { from: /id } }
                lookups:
                  owner: { api: billing, url: "/users?email={value}", path: /data/0/id }
                destination:
                  api: billing
                  method: PUT
                  url: /customers/{recordId}
                %s
                limits:
                %s
                """.formatted(name, extraDestination, limits);
    }

    static ApiRegistry apis(Path dir, String... files) throws Exception {
        Files.createDirectories(dir);
        for (int i = 0; i < files.length; i += 2) {
            Files.writeString(dir.resolve(files[i]), files[i + 1]);
        }
        return ApiRegistry.load(LOADER, List.of(dir));
    }

    @Test
    void aReferenceBecomesTheApisUrlAuthPagingAndSharedLimits(@TempDir Path tmp) throws Exception {
        ApiRegistry apis = apis(tmp, "billing.yaml", BILLING);
        IntegrationSpec spec = LOADER.withApis(apis).load("two.yaml", integration("two", "", "  destination: { requestsPerSecond: 5, burst: 2 }"));

        assertThat(spec.source().list().url()).isEqualTo("https://billing.test/v1/customers");
        assertThat(spec.source().list().pagination().type()).as("the API's paging").hasToString("next-token");
        assertThat(spec.source().auth().secret()).isEqualTo("ferry/billing/api");
        assertThat(spec.destination().url()).isEqualTo("https://billing.test/v1/customers/{recordId}");
        assertThat(spec.destination().auth().type()).hasToString("bearer");
        assertThat(spec.lookups().get("owner").url()).isEqualTo("https://billing.test/v1/users?email={value}");

        var destination = spec.limits().destination();
        assertThat(destination.requestsPerSecond()).as("this integration's share").isEqualTo(5.0);
        assertThat(destination.within().api()).as("one budget and circuit per API").isEqualTo("billing");
        assertThat(destination.within().requestsPerSecond()).isEqualTo(20.0);
        assertThat(destination.within().timeoutMs()).isEqualTo(3000);
        assertThat(destination.retries()).as("the API's retries when not narrowed").isEqualTo(2);
        assertThat(spec.limits().source().within().api()).isEqualTo("billing");
        assertThat(spec.lookups().get("owner").limits().within().api()).isEqualTo("billing");
        assertThat(apis.unused(List.of(spec))).isEmpty();
    }

    @Test
    void badReferencesAreRefusedWithFileLineAndReason(@TempDir Path tmp) throws Exception {
        ApiRegistry apis = apis(tmp, "billing.yaml", BILLING);
        String yaml = """
                name: bad
                source: { recordId: /id, api: crm, list: { url: /contacts, recordsPath: /data } }
                schedule: rate(5 minutes)
                mapping: { id: { from: /id } }
                destination:
                  api: billing
                  method: PUT
                  url: https://elsewhere.example.com/customers/{recordId}
                  auth: { type: bearer, secret: ferry/other, field: token, rotation: "x" }
                limits:
                  destination: { requestsPerSecond: 50, burst: 11, retries: 3, timeoutMs: 100 }
                """;
        SpecException e = catchThrowableOfType(SpecException.class, () -> LOADER.withApis(apis).load("bad.yaml", yaml));

        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("bad.yaml:2: source.api: no API named 'crm'")
                .contains("(declared: billing)"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("bad.yaml:9: destination.auth: conflicts with the API's own"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("bad.yaml:8: destination.url: with api 'billing', give the path"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("bad.yaml:11: limits.destination.requestsPerSecond: 50.0 asks more than 'billing' allows (20.0/s"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("limits.destination.burst: 11 asks more"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("limits.destination.retries: 3 asks more"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("limits.destination.timeoutMs: is the API's, shared by every integration"));
    }

    @Test
    void apiDeclarationsAreCheckedToo(@TempDir Path tmp) throws Exception {
        SpecException e = catchThrowableOfType(SpecException.class, () -> apis(tmp,
                "billing.yaml", BILLING.replace("name: billing", "name: invoices"),
                "crm.yaml", "name: crm\nbaseUrl: ftp://crm.example.com\nlimits: { requestsPerSecond: -1, api: x }\nrateLimitHeaders: auto\n"
                        + "pagination: { type: offset }\nhealth: ping\n"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).endsWith("billing.yaml:1: name: 'invoices' must match the file name 'billing'"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("crm.yaml:2: baseUrl: must be an http(s) URL"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("crm.yaml:3: limits.requestsPerSecond: must be positive"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("crm.yaml:3: limits.api: is not needed here"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("crm.yaml:5: pagination: offset paging needs limit"));
        // a value outside a fixed set fails while reading, on its own
        SpecException unknown = catchThrowableOfType(SpecException.class, () -> apis(tmp.resolve("other"),
                "crm.yaml", "name: crm\nbaseUrl: https://crm.example.com\nrateLimitHeaders: sometimes\n"));
        assertThat(unknown.problems()).singleElement().asString()
                .endsWith("crm.yaml:3: rateLimitHeaders: must be one of [auto, none], got 'sometimes'");
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("crm.yaml:6: health: must be a path"));
    }

    @Test
    void anApiDeclaredTwiceIsAConflictAndOneNobodyUsesIsAWarning(@TempDir Path tmp) throws Exception {
        SpecException twice = catchThrowableOfType(SpecException.class, () -> ApiRegistry.load(LOADER,
                List.of(Files.createDirectories(tmp.resolve("a")), Files.createDirectories(tmp.resolve("b")))));
        assertThat(twice).isNull(); // empty directories: no APIs, no problem
        Files.writeString(tmp.resolve("a/billing.yaml"), BILLING);
        Files.writeString(tmp.resolve("b/billing.yaml"), BILLING);
        twice = catchThrowableOfType(SpecException.class, () -> ApiRegistry.load(LOADER, List.of(tmp.resolve("a"), tmp.resolve("b"))));
        assertThat(twice.problems()).singleElement().asString().contains("API 'billing' is declared twice");

        ApiRegistry apis = ApiRegistry.load(LOADER, List.of(tmp.resolve("a")));
        assertThat(apis.unused(List.of())).singleElement().asString().endsWith("API 'billing' is declared but no integration refers to it");
    }

    @Test
    void inlineSectionsStillWorkForOneOffApis() {
        IntegrationSpec spec = LOADER.load("inline.yaml", """
                name: inline
                source: { recordId: /id }
                webhook:
                  deliveryIdHeader: X-Delivery
                  signature: { header: X-Sig, secret: ferry/inline/webhook, field: key }
                mapping: { id: { from: /id } }
                destination: { method: POST, url: "https://one-off.example.com/items" }
                """);
        assertThat(spec.destination().api()).isNull();
        assertThat(spec.destination().url()).isEqualTo("https://one-off.example.com/items");
    }
}
