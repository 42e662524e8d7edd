package dev.ferry.local.dev;

import dev.ferry.local.LocalFerry;
import dev.ferry.local.LocalHttpApi;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.secrets.WebhookSignature;
import dev.ferry.testing.Await;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ferry dev's specs while it runs, on the real emulators and a real destination: a spec file edited while the pipeline
 * runs maps the next webhook the new way; a broken file is reported with file:line while the others deliver (its last
 * good version keeps running); fixed, it is back; and a spec broken at start no longer stops the start.
 */
class LiveSpecsEndToEndTest {

    static final String KEY = "live-specs-webhook-key";
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path root;

    static AwsEmulators aws;
    static FakeApi destination;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static String spec(String name, String emailRule) {
        return """
                name: %1$s
                owner: test
                source: { recordId: /id, version: /updated_at }
                webhook:
                  mode: full
                  deliveryIdHeader: X-Test-Delivery
                  signature: { header: X-Test-Signature, prefix: "sha256=", secret: ferry/test/webhook, field: key }
                mapping:
                  id: { from: /id, required: true }
                  email: %2$s
                destination: { method: PUT, url: "${dest.url}/%1$s/{recordId}" }
                """.formatted(name, emailRule);
    }

    @BeforeAll
    static void start() {
        aws = AwsEmulators.start();
        aws.putSecret("ferry/test/webhook", "{\"key\":\"" + KEY + "\"}");
        destination = FakeApi.start();
        destination.on("PUT", "/*", FakeApi.Reply.json(200, "{\"ok\":true}"));
    }

    @AfterAll
    static void stop() {
        if (destination != null) destination.close();
        if (aws != null) aws.close();
    }

    static Map<String, String> settings(Path integrations) {
        Map<String, String> s = new HashMap<>();
        s.put("dest.url", destination.baseUrl());
        s.put(FerryConfig.INTEGRATIONS_DIR, integrations.toString());
        s.put(FerryConfig.RETRY_BASE_DELAY, "0");
        s.put(FerryConfig.METRICS_ENABLED, "false");
        s.put(LocalFerry.KEEP_GOOD_SPECS, "true");
        return s;
    }

    static int post(LocalHttpApi api, String integration, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/webhooks/" + integration))
                .header("Content-Type", "application/json")
                .header("X-Test-Delivery", UUID.randomUUID().toString())
                .header("X-Test-Signature", "sha256=" + WebhookSignature.hexHmacSha256(KEY, body.getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    static String record(String id, String email) {
        return "{\"id\":\"" + id + "\",\"email\":\"" + email + "\",\"updated_at\":\"2026-11-20T10:00:00Z\"}";
    }

    /** The body the destination got for one record, once it arrives. */
    static String delivered(String integration, String id) {
        String path = "/" + integration + "/" + id;
        assertThat(destination.awaitRequests("PUT", path, 1, WAIT)).as("delivered " + path).isTrue();
        return destination.requests("PUT", path).getLast().bodyText();
    }

    static boolean printed(ByteArrayOutputStream out, String text, int times) {
        return Await.until(WAIT, () -> out.toString(StandardCharsets.UTF_8).split(java.util.regex.Pattern.quote(text), -1).length - 1 >= times);
    }

    @Test
    void anEditedSpecMapsTheNextWebhookABrokenOneIsReportedAndTheOthersDeliver() throws Exception {
        Path integrations = Files.createDirectories(root.resolve("edit/integrations"));
        Path alpha = Files.writeString(integrations.resolve("alpha.yaml"), spec("alpha", "{ from: /email }"));
        Files.writeString(integrations.resolve("beta.yaml"), spec("beta", "{ from: /email }"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        try (LocalFerry ferry = new LocalFerry(aws, settings(integrations)).startPollers();
             LiveSpecs live = LiveSpecs.start(ferry.devSpecs(), ferry.runtime().integrations(), root, out);
             LocalHttpApi api = new LocalHttpApi(ferry, 0)) {
            assertThat(post(api, "alpha", record("a-1", "Ada@Example.com"))).isEqualTo(202);
            assertThat(delivered("alpha", "a-1")).contains("\"email\":\"Ada@Example.com\"");

            // edit: the mapping now lower-cases the email
            Files.writeString(alpha, spec("alpha", "{ from: /email, case: lower }"));
            assertThat(printed(printed, "specs reloaded: alpha changed; every spec loads", 1)).as(printed::toString).isTrue();
            assertThat(post(api, "alpha", record("a-2", "Grace@Example.com"))).isEqualTo(202);
            assertThat(delivered("alpha", "a-2")).contains("\"email\":\"grace@example.com\"");

            // break it: reported with file:line, its last good version keeps running, beta delivers
            Files.writeString(alpha, spec("alpha", "{ from: /email, case: lower, trimm: true }"));
            assertThat(printed(printed, "keeps running its last good version", 1)).as(printed::toString).isTrue();
            assertThat(printed.toString(StandardCharsets.UTF_8))
                    .containsPattern("edit/integrations/alpha\\.yaml:\\d+: mapping\\.email\\.trimm: unknown key 'trimm'")
                    .contains("specs reloaded: no integration changed");
            assertThat(post(api, "beta", record("b-1", "Beta@Example.com"))).isEqualTo(202);
            assertThat(delivered("beta", "b-1")).contains("\"email\":\"Beta@Example.com\"");
            assertThat(post(api, "alpha", record("a-3", "Kath@Example.com"))).isEqualTo(202);
            assertThat(delivered("alpha", "a-3")).as("the last good version").contains("\"email\":\"kath@example.com\"");

            // fixed (with a new mapping): back, and mapped the new way
            Files.writeString(alpha, spec("alpha", "{ from: /email, case: upper }"));
            assertThat(printed(printed, "specs reloaded: alpha changed; every spec loads", 2)).as(printed::toString).isTrue();
            assertThat(post(api, "alpha", record("a-4", "Mary@Example.com"))).isEqualTo(202);
            assertThat(delivered("alpha", "a-4")).contains("\"email\":\"MARY@EXAMPLE.COM\"");

            // a new file starts at once; a deleted one goes
            Files.writeString(integrations.resolve("gamma.yaml"), spec("gamma", "{ from: /email }"));
            assertThat(printed(printed, "specs reloaded: gamma changed", 1)).as(printed::toString).isTrue();
            assertThat(post(api, "gamma", record("g-1", "g@example.com"))).isEqualTo(202);
            assertThat(delivered("gamma", "g-1")).contains("g@example.com");
            Files.delete(integrations.resolve("gamma.yaml"));
            assertThat(printed(printed, "specs reloaded: gamma changed", 2)).as(printed::toString).isTrue();
            assertThat(post(api, "gamma", record("g-2", "g@example.com"))).isEqualTo(404);
        }
    }

    @Test
    void aSpecBrokenAtStartIsReportedAndTheOthersRunUntilItIsFixed() throws Exception {
        Path integrations = Files.createDirectories(root.resolve("start/integrations"));
        Files.writeString(integrations.resolve("good.yaml"), spec("good", "{ from: /email }"));
        Path broken = Files.writeString(integrations.resolve("broken.yaml"), spec("broken", "{ from: /email }")
                .replace("mode: full", "mode: full\n  colour: blue"));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        try (LocalFerry ferry = new LocalFerry(aws, settings(integrations)).startPollers();
             LiveSpecs live = LiveSpecs.start(ferry.devSpecs(), ferry.runtime().integrations(), root, out);
             LocalHttpApi api = new LocalHttpApi(ferry, 0)) {
            assertThat(printed.toString(StandardCharsets.UTF_8))
                    .contains("ferry dev: 1 spec file(s) do not load; the others run:")
                    .containsPattern("start/integrations/broken\\.yaml:6: webhook\\.colour: unknown key 'colour'")
                    .contains("broken is not running until the file loads");
            assertThat(ferry.runtime().integrations().all()).extracting(s -> s.name()).containsExactly("good");
            assertThat(post(api, "good", record("o-1", "o@example.com"))).isEqualTo(202);
            assertThat(delivered("good", "o-1")).contains("o@example.com");
            assertThat(post(api, "broken", record("x-1", "x@example.com"))).isEqualTo(404);

            Files.writeString(broken, spec("broken", "{ from: /email }"));
            assertThat(printed(printed, "specs reloaded: broken changed; every spec loads", 1)).as(printed::toString).isTrue();
            assertThat(post(api, "broken", record("x-2", "x@example.com"))).isEqualTo(202);
            assertThat(delivered("broken", "x-2")).contains("x@example.com");
        }
    }
}
