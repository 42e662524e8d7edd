package dev.ferry.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.local.LocalFerry;
import dev.ferry.local.LocalHttpApi;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ferry sign end to end: for every signature scheme Ferry verifies, the headers it prints, sent with the body to the real
 * webhook function through LocalFerry (secrets in moto as ferry dev puts .ferry/secrets.json there), are accepted and the
 * record is delivered; the printed curl itself, run by the shell, is accepted too. Bad input is one line with its exit
 * code, and no output ever holds a key.
 */
class SignEndToEndTest {

    static final Map<String, String> KEYS = Map.of(
            "ferry/acme/webhook", "acme-hmac-key-0123",
            "ferry/plain/webhook", "plain-hmac-key-4567",
            "ferry/gh/webhook", "github-key-89ab",
            "ferry/stripe/webhook", "whsec_stripe-style-key-cdef",
            "ferry/std/webhook", "whsec_" + java.util.Base64.getEncoder().encodeToString("standard-webhooks-key-bytes".getBytes(StandardCharsets.UTF_8)));
    static final Map<String, String> SIGNATURES = Map.of(
            "acme", "deliveryIdHeader: X-Acme-Delivery\n  signature: { header: X-Acme-Signature, prefix: \"v1=\", secret: ferry/acme/webhook,"
                    + " field: key, algorithm: sha512, encoding: base64, content: \"{timestamp}.{header:X-Acme-Delivery}.{body}\","
                    + " timestampHeader: X-Acme-Timestamp }",
            "plain", "deliveryIdHeader: X-Plain-Delivery\n  signature: { header: X-Plain-Signature, prefix: \"sha256=\", secret: ferry/plain/webhook }",
            "gh", "signature: { scheme: github, secret: ferry/gh/webhook, field: key }",
            "stripe", "signature: { scheme: stripe, secret: ferry/stripe/webhook, field: key }",
            "std", "signature: { scheme: standard-webhooks, secret: ferry/std/webhook, field: key }");

    static AwsEmulators aws;
    static FakeApi destination;
    static Path root;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static String spec(String name, String webhook) {
        return """
                name: %1$s
                owner: test
                source: { recordId: /id, version: /updated_at }
                webhook:
                  mode: full
                  %2$s
                mapping:
                  id: { from: /id, required: true }
                  email: { from: /email }
                destination: { method: PUT, url: "${dest.url}/%1$s/{recordId}" }
                examples:
                  - name: maps
                    input: { id: "%1$s-example", email: a@example.com, updated_at: "2026-11-20T10:00:00Z" }
                    output: { id: "%1$s-example", email: a@example.com }
                """.formatted(name, webhook);
    }

    @BeforeAll
    static void start() {
        aws = AwsEmulators.start();
        destination = FakeApi.start();
        destination.on("PUT", "/*", FakeApi.Reply.json(200, "{\"ok\":true}"));
        root = Trees.empty();
        SIGNATURES.forEach((name, webhook) -> Trees.write(root, "integrations/" + name + ".yaml", spec(name, webhook)));
        Trees.write(root, "integrations/polled.yaml", """
                name: polled
                owner: test
                source: { recordId: /id, list: { url: "https://items.example.com/items", recordsPath: /data } }
                schedule: rate(5 minutes)
                mapping: { id: { from: /id } }
                destination: { method: PUT, url: "https://dest.example.com/{recordId}" }
                """);
        StringBuilder secrets = new StringBuilder("{");
        KEYS.forEach((name, key) -> {
            secrets.append(secrets.length() > 1 ? "," : "").append('"').append(name).append("\":{\"key\":\"").append(key).append("\"}");
            aws.putSecret(name, "{\"key\":\"" + key + "\"}"); // what ferry dev does with .ferry/secrets.json at start
        });
        Trees.write(root, ".ferry/secrets.json", secrets.append('}').toString());
    }

    @AfterAll
    static void stop() {
        if (destination != null) destination.close();
        if (aws != null) aws.close();
    }

    static Cli sign(String... extra) {
        List<String> args = new ArrayList<>(List.of("sign"));
        args.addAll(List.of(extra));
        args.addAll(List.of("--dir", root.toString(), "--local", "--set", "dest.url=" + destination.baseUrl()));
        return Cli.run(args.toArray(String[]::new));
    }

    static void assertNoKey(Cli run) {
        KEYS.values().forEach(key -> assertThat(run.all()).doesNotContain(key));
    }

    static LocalFerry ferry() {
        Map<String, String> settings = new HashMap<>();
        settings.put("dest.url", destination.baseUrl());
        settings.put(FerryConfig.INTEGRATIONS_DIR, root.resolve("integrations").toString());
        settings.put(FerryConfig.METRICS_ENABLED, "false");
        settings.put(LocalFerry.KEEP_GOOD_SPECS, "true");
        return new LocalFerry(aws, settings).startPollers();
    }

    @Test
    void thePrintedHeadersAreAcceptedByTheWebhookFunctionForEveryScheme() throws Exception {
        Path body = Trees.write(root, "bodies/record.json",
                "{\"id\": \"REPLACE\", \"email\": \"b@example.com\",\n \"updated_at\": \"2026-11-21T10:00:00Z\"}\n");
        try (LocalFerry ferry = ferry(); LocalHttpApi api = new LocalHttpApi(ferry, 0)) {
            assertThat(ferry.devSpecs().last().allProblems()).isEmpty();
            for (String name : SIGNATURES.keySet()) {
                String id = name + "-1";
                Trees.write(root, "bodies/record.json", Trees.read(body).replaceAll("\"id\": \"[^\"]*\"", "\"id\": \"" + id + "\""));
                Cli run = sign(name, "--body", body.toString(), "--json", "--port", Integer.toString(api.port()));
                assertThat(run.exit()).as(run.all()).isEqualTo(Ferry.OK);
                assertNoKey(run);
                JsonNode doc = Json.MAPPER.readTree(run.out());
                assertThat(doc.path("url").asText()).isEqualTo("http://127.0.0.1:" + api.port() + "/webhooks/" + name);
                assertThat(doc.path("body").asText()).as("the file's bytes, as they are").isEqualTo(Trees.read(body));
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(doc.path("url").asText()))
                        .POST(HttpRequest.BodyPublishers.ofString(doc.path("body").asText()));
                doc.path("headers").properties().forEach(h -> request.header(h.getKey(), h.getValue().asText()));
                HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(name + ": " + answer.body()).isEqualTo(202);
                assertThat(destination.awaitRequests("PUT", "/" + name + "/" + id, 1, Duration.ofSeconds(30))).as(name + " delivered").isTrue();
                if (name.equals("acme") || name.equals("stripe") || name.equals("std")) {
                    assertThat(doc.path("validForSeconds").asInt()).as(name + " carries a timestamp").isEqualTo(300);
                } else {
                    assertThat(doc.has("validForSeconds")).as(name).isFalse();
                }
            }
        }
    }

    @Test
    void thePrintedCurlRunAsItIsIsAccepted() throws Exception {
        try (LocalFerry ferry = ferry(); LocalHttpApi api = new LocalHttpApi(ferry, 0)) {
            for (String name : List.of("acme", "stripe", "std", "gh")) {
                Cli run = sign(name, "--port", Integer.toString(api.port()));
                assertThat(run.exit()).as(run.all()).isEqualTo(Ferry.OK);
                assertNoKey(run);
                assertThat(run.out()).startsWith("curl -sS -X POST http://127.0.0.1:" + api.port() + "/webhooks/" + name)
                        .contains("\"id\":\"" + name + "-example\""); // the first example's input
                Process curl = new ProcessBuilder("bash", "-c", run.out().strip() + " -o /dev/null -w '%{http_code}'")
                        .redirectErrorStream(true).start();
                String status = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(curl.waitFor()).as(status).isZero();
                assertThat(status).as(name).isEqualTo("202");
            }
            assertThat(destination.awaitRequests("PUT", "/stripe/stripe-example", 1, Duration.ofSeconds(30))).isTrue();

            // what ferry dev prints at start: one signed curl per webhook integration whose secret it holds
            Map<String, String> secrets = new HashMap<>();
            KEYS.forEach((name, key) -> secrets.put(name, "{\"key\":\"" + key + "\"}"));
            secrets.remove("ferry/gh/webhook");
            Map<String, String> curls = dev.ferry.local.dev.WebhookSigner.curls(ferry.runtime().integrations().all(), secrets,
                    Map.of("plain", "{\"id\":\"plain-dev\"}".getBytes(StandardCharsets.UTF_8)), "http://127.0.0.1:" + api.port(),
                    java.time.Clock.systemUTC());
            assertThat(curls).containsOnlyKeys("acme", "plain", "stripe", "std");
            assertThat(curls.get("stripe")).startsWith("# stripe (signed with the time now: accepted for 300 s;");
            assertThat(curls.get("plain")).startsWith("# plain\ncurl ").contains("plain-dev");
            curls.values().forEach(c -> KEYS.values().forEach(key -> assertThat(c).doesNotContain(key)));
            Process curl = new ProcessBuilder("bash", "-c", curls.get("plain") + " -o /dev/null -w '%{http_code}'").redirectErrorStream(true).start();
            assertThat(new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("202");
            assertThat(destination.awaitRequests("PUT", "/plain/plain-dev", 1, Duration.ofSeconds(30))).isTrue();
        }
    }

    @Test
    void badInputIsOneLineWithItsExitCodeAndNeverTheKey() {
        Cli unknown = sign("nope");
        assertThat(unknown.exit()).isEqualTo(Ferry.USAGE);
        assertThat(unknown.err().strip()).startsWith("ferry sign: unknown integration 'nope' (known: acme, gh, ");

        Cli polled = sign("polled");
        assertThat(polled.exit()).isEqualTo(Ferry.USAGE);
        assertThat(polled.err().strip()).isEqualTo("ferry sign: 'polled' takes no webhooks (it has no webhook section): nothing to sign");

        Cli missing = sign("plain", "--body", root.resolve("no-such.json").toString());
        assertThat(missing.exit()).isEqualTo(Ferry.USAGE);
        assertThat(missing.err().strip().lines()).singleElement().asString().endsWith("no-such.json: --body cannot be read (NoSuchFileException)");

        Path notJson = Trees.write(root, "bodies/bad.json", "{\"id\": 1,");
        Cli bad = sign("plain", "--body", notJson.toString());
        assertThat(bad.exit()).isEqualTo(Ferry.USAGE);
        assertThat(bad.err().strip().lines()).singleElement().asString().contains("bad.json: --body is not JSON");

        Path other = Trees.empty();
        Trees.write(other, "integrations/plain.yaml", spec("plain", SIGNATURES.get("plain")));
        Cli noSecret = Cli.run("sign", "plain", "--dir", other.toString(), "--local", "--set", "dest.url=http://127.0.0.1:9");
        assertThat(noSecret.exit()).isEqualTo(Ferry.PROBLEMS);
        assertThat(noSecret.err().strip()).isEqualTo("ferry sign: no secret 'ferry/plain/webhook' in .ferry/secrets.json, so nothing to sign"
                + " with (add \"ferry/plain/webhook\": {\"key\": \"...\"}; ferry dev loads the same file)");

        Trees.write(other, ".ferry/secrets.json", "{\"ferry/plain/webhook\": {\"token\": \"not-the-field\"}}");
        Cli noField = Cli.run("sign", "plain", "--dir", other.toString(), "--local", "--set", "dest.url=http://127.0.0.1:9");
        assertThat(noField.exit()).isEqualTo(Ferry.PROBLEMS);
        assertThat(noField.err().strip()).isEqualTo("ferry sign: .ferry/secrets.json: ferry/plain/webhook: has no text field 'key'"
                + " (webhook.signature.field), so nothing to sign with");
        assertThat(noField.all()).doesNotContain("not-the-field");
        for (Cli run : List.of(unknown, polled, missing, bad, noSecret, noField)) {
            assertNoKey(run);
            assertThat(run.all()).doesNotContain("Exception:").doesNotContain("\tat ");
        }
    }
}
