package dev.ferry.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.Await;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.FakeApi.RecordedRequest;
import dev.ferry.testing.FakeApi.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole pipeline, through the real handlers, with credentials only from (emulated) Secrets Manager:
 * Standard Webhooks, Stripe and GitHub signatures in; OAuth2 client credentials, HMAC signing, an api-key
 * in the query and basic auth out. Every secret value is known to the test, and the test asserts that
 * none of them appears in anything Ferry printed or logged, in dead letters or in webhook answers.
 */
class CredentialsEndToEndTest {

    static final int MAX_ATTEMPTS = 2;
    static final String SW_KEY = "whsec_" + Base64.getEncoder().encodeToString("standard-webhooks-key-e2e-1".getBytes(StandardCharsets.UTF_8));
    static final String SW_KEY_ROTATED = "whsec_" + Base64.getEncoder().encodeToString("standard-webhooks-key-e2e-2".getBytes(StandardCharsets.UTF_8));
    static final String STRIPE_KEY = "whsec_stripeE2eSigningSecret9d1";
    static final String GITHUB_KEY = "github-e2e-webhook-secret-3c7";
    static final String CLIENT_SECRET = "oauth-client-secret-e2e-51a";
    static final String ACCESS_TOKEN = "access-token-e2e-8842";
    static final String HMAC_KEY = "hmac-signing-key-e2e-0b9";
    static final String SOURCE_KEY = "source-api-key-e2e-6e2";
    static final String BASIC_PASSWORD = "basic-password-e2e-7f4";
    static final List<String> SECRET_VALUES = List.of(SW_KEY, SW_KEY_ROTATED, SW_KEY.substring(6), STRIPE_KEY, GITHUB_KEY,
            CLIENT_SECRET, ACCESS_TOKEN, HMAC_KEY, SOURCE_KEY, BASIC_PASSWORD,
            Base64.getEncoder().encodeToString(("ferry-client:" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)),
            Base64.getEncoder().encodeToString(("ferry:" + BASIC_PASSWORD).getBytes(StandardCharsets.UTF_8)));

    static final ByteArrayOutputStream CAPTURED = new ByteArrayOutputStream();
    static final List<String> LOG_RECORDS = java.util.Collections.synchronizedList(new ArrayList<>());
    static PrintStream originalOut;
    static PrintStream originalErr;
    static Handler logHandler;

    static AwsEmulators aws;
    static FakeApi api;
    static FakeApi idp;
    static LocalFerry ferry;
    static final AtomicInteger tokensIssued = new AtomicInteger();

    @BeforeAll
    static void start() {
        startCapture();
        aws = AwsEmulators.builder().visibilityTimeoutSeconds(2).start();
        api = FakeApi.start();
        idp = FakeApi.start();
        aws.putSecret("ferry/cred/standard-webhook", "{\"key\":\"" + SW_KEY + "\"}");
        aws.putSecret("ferry/cred/stripe-webhook", "{\"key\":\"" + STRIPE_KEY + "\"}");
        aws.putSecret("ferry/cred/github-webhook", "{\"key\":\"" + GITHUB_KEY + "\"}");
        aws.putSecret("ferry/cred/oauth-client", "{\"clientId\":\"ferry-client\",\"clientSecret\":\"" + CLIENT_SECRET + "\"}");
        aws.putSecret("ferry/cred/hmac", "{\"key\":\"" + HMAC_KEY + "\"}");
        aws.putSecret("ferry/cred/source-key", "{\"apiKey\":\"" + SOURCE_KEY + "\"}");
        aws.putSecret("ferry/cred/basic", "{\"username\":\"ferry\",\"password\":\"" + BASIC_PASSWORD + "\"}");
        idp.on("POST", "/oauth/token", r -> ("Basic " + Base64.getEncoder().encodeToString(("ferry-client:" + CLIENT_SECRET)
                .getBytes(StandardCharsets.UTF_8))).equals(r.header("Authorization"))
                ? Reply.json(200, "{\"access_token\":\"" + ACCESS_TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
                + "\"scope\":\"contacts.write\",\"n\":" + tokensIssued.incrementAndGet() + "}")
                : Reply.json(401, "{\"error\":\"invalid_client\"}"));
        api.on("PUT", "/oauth-contacts/*", r -> ("Bearer " + ACCESS_TOKEN).equals(r.header("Authorization"))
                ? Reply.json(200, "{}") : Reply.json(401, "{\"error\":\"invalid_token\"}"));
        api.on("GET", "/records/*", r -> r.queryParam("api_key").filter(SOURCE_KEY::equals).isPresent()
                ? Reply.json(200, "{\"id\":\"" + r.path().substring("/records/".length()) + "\",\"title\":\"Fetched\"}")
                : Reply.json(401, "{}"));
        api.on("PUT", "/basic-records/*", r -> ("Basic " + Base64.getEncoder().encodeToString(("ferry:" + BASIC_PASSWORD)
                .getBytes(StandardCharsets.UTF_8))).equals(r.header("Authorization")) ? Reply.json(200, "{}") : Reply.json(401, "{}"));
        // Verifies Ferry's HMAC signature like a partner would, then fails the call: dead letters must stay clean.
        api.on("POST", "/signed-customers/*", r -> {
            String canonical = r.header("X-Timestamp") + "." + r.method() + "." + r.path() + "." + r.bodyText();
            boolean signed = ("v1=" + hex(hmac(HMAC_KEY, canonical))).equals(r.header("X-Signature"));
            return signed ? Reply.json(500, "{\"error\":\"partner is down\"}") : Reply.json(401, "{\"error\":\"bad signature\"}");
        });

        Map<String, String> settings = new HashMap<>();
        settings.put("cred.api.url", api.baseUrl());
        settings.put("cred.idp.url", idp.baseUrl());
        settings.put(FerryConfig.INTEGRATIONS_DIR, PipelineEndToEndTest.REPO.resolve("local/src/test/resources/credential-integrations").toString());
        settings.put(FerryConfig.RETRY_BASE_DELAY, "0");
        settings.put(FerryConfig.MAX_ATTEMPTS, Integer.toString(MAX_ATTEMPTS));
        settings.put(FerryConfig.SECRETS_TTL_SECONDS, "1");
        ferry = new LocalFerry(aws, settings).startPollers();
    }

    @AfterAll
    static void stop() {
        try {
            if (ferry != null) ferry.close();
            if (idp != null) idp.close();
            if (api != null) api.close();
            if (aws != null) aws.close();
        } finally {
            stopCapture();
        }
    }

    static void startCapture() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(new Tee(originalOut), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(originalErr), true, StandardCharsets.UTF_8));
        logHandler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLoggerName() != null && record.getLoggerName().startsWith("com.sun.net.httpserver")) {
                    return; // the fake partner APIs' own server: it receives credentials by design; it is not Ferry
                }
                StringBuilder line = new StringBuilder(record.getLoggerName() + " " + record.getLevel() + " " + record.getMessage());
                if (record.getParameters() != null) {
                    for (Object p : record.getParameters()) {
                        line.append(" | ").append(p);
                    }
                }
                for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                    line.append(" | ").append(t);
                }
                LOG_RECORDS.add(line.toString());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger.getLogger("").addHandler(logHandler);
    }

    static void stopCapture() {
        java.util.logging.Logger.getLogger("").removeHandler(logHandler);
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    /** Copies what is written to the real stream into {@link #CAPTURED}. */
    static final class Tee extends OutputStream {
        private final OutputStream real;

        Tee(OutputStream real) {
            this.real = real;
        }

        @Override
        public void write(int b) throws IOException {
            synchronized (CAPTURED) {
                CAPTURED.write(b);
            }
            real.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (CAPTURED) {
                CAPTURED.write(b, off, len);
            }
            real.write(b, off, len);
        }
    }

    static String everythingCaptured() {
        synchronized (CAPTURED) {
            return CAPTURED.toString(StandardCharsets.UTF_8) + "\n" + String.join("\n", LOG_RECORDS);
        }
    }

    // --- signing helpers (computed here, independently of Ferry's code) ------------------------------

    static byte[] hmac(String key, String content) {
        return hmac(key.getBytes(StandardCharsets.UTF_8), content);
    }

    static byte[] hmac(byte[] key, String content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static ObjectNode webhookEvent(String integration, String body, Map<String, String> headers) throws IOException {
        ObjectNode event = PipelineEndToEndTest.event("webhook-http-api.json");
        event.put("rawPath", "/webhooks/" + integration);
        ((ObjectNode) event.get("pathParameters")).put("integration", integration);
        ((ObjectNode) event.get("requestContext").get("http")).put("path", "/webhooks/" + integration);
        event.put("body", body);
        event.put("isBase64Encoded", false);
        ObjectNode h = (ObjectNode) event.get("headers");
        headers.forEach((k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v));
        return event;
    }

    static JsonNode standardWebhook(String key, String id, long timestamp, String body) throws IOException {
        byte[] k = Base64.getDecoder().decode(key.substring("whsec_".length()));
        String signature = "v1," + Base64.getEncoder().encodeToString(hmac(k, id + "." + timestamp + "." + body));
        return ferry.invokeWebhook(Json.write(webhookEvent("cred-standard", body,
                Map.of("webhook-id", id, "webhook-timestamp", Long.toString(timestamp), "webhook-signature", signature))));
    }

    static long now() {
        return Instant.now().getEpochSecond();
    }

    static void awaitQuiet() {
        assertThat(Await.quiet(aws, Duration.ofSeconds(30), FerryConfig.Queue.FETCH, FerryConfig.Queue.TRANSFORM,
                FerryConfig.Queue.DELIVER)).as("pipeline queues drained").isTrue();
    }

    // --- the tests ---------------------------------------------------------------------------------

    @Test
    void everySchemeAndStrategyEndToEndAndNoSecretValueAppearsAnywhere() throws IOException {
        org.jboss.logging.Logger.getLogger(CredentialsEndToEndTest.class).info("capture-probe-jboss-logging");
        List<String> answers = new ArrayList<>();

        // Standard Webhooks in -> OAuth2 client credentials out.
        JsonNode a = standardWebhook(SW_KEY, "msg_e2e_1", now(), "{\"id\":\"c-1\",\"email\":\"ada@example.com\"}");
        answers.add(a.toString());
        assertThat(a.get("statusCode").asInt()).as(a.toString()).isEqualTo(202);
        // a replay of the same delivery id is dropped; a stale timestamp and a wrong key are refused
        JsonNode replay = standardWebhook(SW_KEY, "msg_e2e_1", now(), "{\"id\":\"c-1\",\"email\":\"ada@example.com\"}");
        JsonNode stale = standardWebhook(SW_KEY, "msg_e2e_2", now() - 600, "{\"id\":\"c-2\"}");
        JsonNode future = standardWebhook(SW_KEY, "msg_e2e_3", now() + 600, "{\"id\":\"c-3\"}");
        JsonNode forged = standardWebhook("whsec_" + Base64.getEncoder().encodeToString("not-the-key".getBytes(StandardCharsets.UTF_8)),
                "msg_e2e_4", now(), "{\"id\":\"c-4\"}");
        answers.addAll(List.of(replay.toString(), stale.toString(), future.toString(), forged.toString()));
        assertThat(replay.get("statusCode").asInt()).isEqualTo(200);
        assertThat(replay.get("body").asText()).contains("duplicate");
        assertThat(stale.get("statusCode").asInt()).isEqualTo(401);
        assertThat(stale.get("body").asText()).contains("in the past");
        assertThat(future.get("statusCode").asInt()).isEqualTo(401);
        assertThat(future.get("body").asText()).contains("in the future");
        assertThat(forged.get("statusCode").asInt()).isEqualTo(401);

        // GitHub in (thin) -> fetch with an api-key in the query -> deliver with basic auth.
        String ghBody = "{\"id\":\"r-7\",\"action\":\"edited\"}";
        JsonNode gh = ferry.invokeWebhook(Json.write(webhookEvent("cred-github", ghBody, Map.of(
                "X-Hub-Signature-256", "sha256=" + hex(hmac(GITHUB_KEY, ghBody)), "X-GitHub-Delivery", "gh-delivery-1"))));
        answers.add(gh.toString());
        assertThat(gh.get("statusCode").asInt()).as(gh.toString()).isEqualTo(202);

        // Stripe in -> HMAC-signed out, to a partner that verifies the signature and then fails -> dead letter.
        String stripeBody = "{\"id\":\"evt_e2e_1\",\"type\":\"customer.updated\",\"data\":{\"object\":{\"id\":\"cus_9\",\"email\":\"b@example.com\"}}}";
        long t = now();
        JsonNode stripe = ferry.invokeWebhook(Json.write(webhookEvent("cred-stripe", stripeBody, Map.of(
                "Stripe-Signature", "t=" + t + ",v1=" + hex(hmac(STRIPE_KEY, t + "." + stripeBody))))));
        answers.add(stripe.toString());
        assertThat(stripe.get("statusCode").asInt()).as(stripe.toString()).isEqualTo(202);

        assertThat(api.awaitRequests("POST", "/signed-customers/", MAX_ATTEMPTS, Duration.ofSeconds(30))).isTrue();
        awaitQuiet();

        List<RecordedRequest> oauthPuts = api.requests("PUT", "/oauth-contacts/");
        assertThat(oauthPuts).extracting(RecordedRequest::path).containsOnlyOnce("/oauth-contacts/c-1")
                .doesNotContain("/oauth-contacts/c-2", "/oauth-contacts/c-3", "/oauth-contacts/c-4");
        assertThat(idp.requests()).as("one token for every call (cached)").hasSize(1);
        assertThat(api.requests("GET", "/records/")).hasSize(1);
        assertThat(api.requests("PUT", "/basic-records/")).extracting(RecordedRequest::path).containsExactly("/basic-records/r-7");
        List<RecordedRequest> signed = api.requests("POST", "/signed-customers/");
        assertThat(signed).hasSize(MAX_ATTEMPTS);
        List<Message> dead = aws.drain(FerryConfig.Queue.DELIVER_DLQ);
        assertThat(dead).hasSize(1);
        String deadLetters = dead.getFirst().body() + dead.getFirst().messageAttributes();
        assertThat(deadLetters).contains("partner is down").contains("answered 500");

        // The redaction check: the capture saw Ferry's logs, and no secret value anywhere.
        String output = everythingCaptured();
        assertThat(output).contains("capture-probe-jboss-logging");
        assertThat(output).contains("delivered");
        for (String secret : SECRET_VALUES) {
            assertThat(output).as("captured output").doesNotContain(secret);
            assertThat(deadLetters).as("dead letters").doesNotContain(secret);
            assertThat(String.join("\n", answers)).as("webhook answers").doesNotContain(secret);
        }
        assertThat(aws.motoLog() == null || !Files.exists(aws.motoLog()) ? "" : Files.readString(aws.motoLog()))
                .as("the Secrets Manager emulator's log").doesNotContain(SW_KEY).doesNotContain(CLIENT_SECRET);
    }

    @Test
    void duringRotationThePreviousSigningKeyStillVerifiesAndTheNewOneIsUsedWithinTheTtl() throws IOException {
        aws.putSecret("ferry/cred/standard-webhook", "{\"key\":\"" + SW_KEY + "\"}");
        assertThat(standardWebhook(SW_KEY, "msg_rot_1", now(), "{\"id\":\"c-r1\"}").get("statusCode").asInt()).isEqualTo(202);

        aws.putSecret("ferry/cred/standard-webhook", "{\"key\":\"" + SW_KEY_ROTATED + "\"}"); // rotation starts

        // The sender switches to the new key: accepted once Ferry's 1 s cache has expired.
        AtomicInteger tries = new AtomicInteger();
        boolean accepted = Await.until(Duration.ofSeconds(15), () -> {
            int i = tries.incrementAndGet();
            try {
                return standardWebhook(SW_KEY_ROTATED, "msg_rot_new_" + i, now(), "{\"id\":\"c-r2-" + i + "\"}")
                        .get("statusCode").asInt() == 202;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(accepted).as("the rotated key is used within the TTL").isTrue();
        // A sender still on the old key keeps working during the overlap (AWSPREVIOUS).
        assertThat(standardWebhook(SW_KEY, "msg_rot_old", now(), "{\"id\":\"c-r3\"}").get("statusCode").asInt()).isEqualTo(202);
        awaitQuiet();
    }
}
