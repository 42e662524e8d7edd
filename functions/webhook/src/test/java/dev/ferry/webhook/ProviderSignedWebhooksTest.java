package dev.ferry.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.slack.api.app_backend.SlackSignature;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.net.Webhook;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.LocalLambdaContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.model.Message;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Webhooks signed by the providers' own libraries (stripe-java, the Standard Webhooks reference library, Slack's
 * SDK; GitHub's @octokit/webhooks-methods through node), not by Ferry's code, sent through the real webhook handler
 * as Lambda Function URL events, over real queues (ElasticMQ), a real idempotency table (DynamoDB Local) and real
 * secrets (moto). A misunderstanding Ferry's verifier shared with Ferry's own test signers would pass every other
 * test; here it fails. Where the provider's library also verifies, it checks the same request first, so a request
 * Ferry refuses is one the provider's library refuses too.
 */
class ProviderSignedWebhooksTest {

    /** The handler's clock: the real time, to the second (idempotency records expire relative to it). */
    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    static final long TOLERANCE = 300;
    static final Random RANDOM = new Random(Long.getLong("ferry.test.seed", 20261201L));

    static final String STRIPE_KEY = "whsec_" + token(32);
    static final String STRIPE_OLD_KEY = "whsec_" + token(32);
    static final String STANDARD_KEY = "whsec_" + Base64.getEncoder().encodeToString(bytes(24));
    static final String SLACK_KEY = hex(16);
    static final String GITHUB_KEY = "It's a Secret to Everybody " + token(8);

    static AwsEmulators aws;
    static WebhookFunction function;

    @BeforeAll
    static void start(@TempDir Path specs) throws Exception {
        aws = AwsEmulators.start();
        spec(specs, "stripe-customers", "ferry/stripe/webhook", STRIPE_KEY, "/data/object/id", """
                signature: { scheme: stripe, secret: ferry/stripe/webhook, toleranceSeconds: 300 }""",
                "email: { from: /data/object/email }");
        spec(specs, "standard-contacts", "ferry/standard/webhook", STANDARD_KEY, "/data/id", """
                signature: { scheme: standard-webhooks, secret: ferry/standard/webhook, toleranceSeconds: 300 }""",
                "email: { from: /data/email }");
        // Slack sends no delivery id header (the event_id is in the body); its signature header, unique per
        // timestamp and body, stands in.
        spec(specs, "slack-members", "ferry/slack/signing", SLACK_KEY, "/event/user/id", """
                deliveryIdHeader: X-Slack-Signature
                  signature: { header: X-Slack-Signature, prefix: "v0=", content: "v0:{timestamp}:{body}",
                               timestampHeader: X-Slack-Request-Timestamp, toleranceSeconds: 300, secret: ferry/slack/signing }""",
                "email: { from: /event/user/profile/email }");
        spec(specs, "github-issues", "ferry/github/webhook", GITHUB_KEY, "/issue/node_id", """
                signature: { scheme: github, secret: ferry/github/webhook }""",
                "title: { from: /issue/title }");
        // A Stripe endpoint secret rolled in Secrets Manager: STRIPE_OLD_KEY is now AWSPREVIOUS, STRIPE_KEY AWSCURRENT.
        spec(specs, "stripe-rolled", "ferry/stripe/rolled", STRIPE_OLD_KEY, "/data/object/id", """
                signature: { scheme: stripe, secret: ferry/stripe/rolled, toleranceSeconds: 300 }""",
                "email: { from: /data/object/email }");
        aws.putSecret("ferry/stripe/rolled", Json.write(JsonNodeFactory.instance.objectNode().put("key", STRIPE_KEY)));
        Map<String, String> config = new HashMap<>(aws.config());
        config.put(FerryConfig.LOCAL_MODE, "true");
        config.put(FerryConfig.INTEGRATIONS_DIR, specs.toString());
        function = new WebhookFunction(new FerryRuntime(FerryConfig.of(config), Clock.fixed(NOW, ZoneOffset.UTC)).webhookStep());
    }

    static void spec(Path dir, String name, String secret, String key, String recordId, String webhook, String mapping)
            throws Exception {
        Files.writeString(dir.resolve(name + ".yaml"), "name: " + name + "\nsource: { recordId: " + recordId + " }\nwebhook:\n"
                + "  mode: full\n  " + webhook + "\nmapping:\n  id: { from: " + recordId + " }\n  " + mapping
                + "\ndestination: { method: PUT, url: \"https://example.com/c/{recordId}\" }\n");
        aws.putSecret(secret, Json.write(JsonNodeFactory.instance.objectNode().put("key", key)));
    }

    @AfterAll
    static void stop() {
        if (aws != null) {
            aws.close();
        }
    }

    @BeforeEach
    void emptyQueues() {
        aws.drain(FerryConfig.Queue.TRANSFORM);
    }

    // --- Stripe: stripe-java ----------------------------------------------------------------------------

    @Nested
    class Stripe {

        /** A customer.updated event as Stripe sends it: pretty-printed, with non-ASCII text. */
        String event(String eventId, String customerId) {
            return """
                    {
                      "id": "%s",
                      "object": "event",
                      "api_version": "2024-06-20",
                      "created": %d,
                      "data": {
                        "object": {
                          "id": "%s",
                          "object": "customer",
                          "email": "zoe@example.com",
                          "name": "Zoë Ångström",
                          "metadata": {}
                        }
                      },
                      "livemode": false,
                      "pending_webhooks": 1,
                      "request": { "id": null, "idempotency_key": null },
                      "type": "customer.updated"
                    }""".formatted(eventId, NOW.getEpochSecond(), customerId);
        }

        Map<String, String> headers(String signature) {
            return Map.of("stripe-signature", signature, "user-agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
        }

        @Test
        void eventSignedByStripeJavaIsQueued() throws Exception {
            String payload = event("evt_" + token(24), "cus_" + token(14));
            String header = Webhook.Signature.generateSignatureHeader(payload, STRIPE_KEY, NOW.getEpochSecond());
            Event checked = Webhook.constructEvent(payload, header, STRIPE_KEY, TOLERANCE, Clock.fixed(NOW, ZoneOffset.UTC));
            assertThat(checked.getType()).isEqualTo("customer.updated");

            assertQueued(send("stripe-customers", headers(header), payload), "stripe-customers", payload, "/data/object/id");
        }

        /**
         * During a secret roll Stripe signs with both secrets: one v1 per secret, and a v0 in test mode. stripe-java accepts
         * any one matching v1 whatever the others hold, so a v1 that is not even hex does not spoil the matching one.
         */
        @Test
        void headerWithTwoV1SignaturesOneByTheCurrentSecretIsQueued() throws Exception {
            String payload = event("evt_" + token(24), "cus_" + token(14));
            long t = NOW.getEpochSecond() - 12;
            String signed = t + "." + payload;
            String header = "t=" + t + ",v1=" + Webhook.Util.computeHmacSha256(STRIPE_OLD_KEY, signed)
                    + ",v1=not-hex-" + token(8)
                    + ",v1=" + Webhook.Util.computeHmacSha256(STRIPE_KEY, signed)
                    + ",v0=" + Webhook.Util.computeHmacSha256("whsec_test_mode_v0", signed);
            Webhook.constructEvent(payload, header, STRIPE_KEY, TOLERANCE, Clock.fixed(NOW, ZoneOffset.UTC));

            assertQueued(send("stripe-customers", headers(header), payload), "stripe-customers", payload, "/data/object/id");
        }

        /** After the secret is rolled in Secrets Manager, events signed with either version verify; others do not. */
        @Test
        void eventsSignedWithTheCurrentOrThePreviousVersionOfARolledSecretAreQueued() throws Exception {
            for (String key : List.of(STRIPE_OLD_KEY, STRIPE_KEY)) {
                String payload = event("evt_" + token(24), "cus_" + token(14));
                String header = Webhook.Signature.generateSignatureHeader(payload, key, NOW.getEpochSecond());
                assertQueued(send("stripe-rolled", headers(header), payload), "stripe-rolled", payload, "/data/object/id");
            }
            String payload = event("evt_" + token(24), "cus_" + token(14));
            String other = Webhook.Signature.generateSignatureHeader(payload, "whsec_" + token(32), NOW.getEpochSecond());
            assertRefused(send("stripe-rolled", headers(other), payload));
        }

        @Test
        void timestampJustInsideTheToleranceIsQueued() throws Exception {
            String payload = event("evt_" + token(24), "cus_" + token(14));
            String header = Webhook.Signature.generateSignatureHeader(payload, STRIPE_KEY, NOW.getEpochSecond() - TOLERANCE + 1);
            Webhook.constructEvent(payload, header, STRIPE_KEY, TOLERANCE, Clock.fixed(NOW, ZoneOffset.UTC));

            assertQueued(send("stripe-customers", headers(header), payload), "stripe-customers", payload, "/data/object/id");
        }

        @Test
        void tamperedBodyIsRefused() throws Exception {
            String payload = event("evt_" + token(24), "cus_" + token(14));
            String header = Webhook.Signature.generateSignatureHeader(payload, STRIPE_KEY, NOW.getEpochSecond());
            String tampered = payload.replace("zoe@example.com", "mallory@example.com");
            assertStripeRefuses(tampered, header);

            assertRefused(send("stripe-customers", headers(header), tampered));
        }

        @Test
        void wrongSecretIsRefused() throws Exception {
            String payload = event("evt_" + token(24), "cus_" + token(14));
            String header = Webhook.Signature.generateSignatureHeader(payload, STRIPE_OLD_KEY, NOW.getEpochSecond());
            assertStripeRefuses(payload, header);

            assertRefused(send("stripe-customers", headers(header), payload));
        }

        @Test
        void timestampOutsideTheToleranceIsRefused() throws Exception {
            String payload = event("evt_" + token(24), "cus_" + token(14));
            String stale = Webhook.Signature.generateSignatureHeader(payload, STRIPE_KEY, NOW.getEpochSecond() - TOLERANCE - 1);
            assertStripeRefuses(payload, stale);
            assertRefused(send("stripe-customers", headers(stale), payload));

            // stripe-java checks only the past; Ferry refuses a timestamp from the future too.
            String future = Webhook.Signature.generateSignatureHeader(payload, STRIPE_KEY, NOW.getEpochSecond() + TOLERANCE + 1);
            assertRefused(send("stripe-customers", headers(future), payload));
        }

        void assertStripeRefuses(String payload, String header) {
            assertThatThrownBy(() -> Webhook.constructEvent(payload, header, STRIPE_KEY, TOLERANCE, Clock.fixed(NOW, ZoneOffset.UTC)))
                    .as("stripe-java refuses it too").isInstanceOf(SignatureVerificationException.class);
        }
    }

    // --- Standard Webhooks: the reference Java library --------------------------------------------------

    @Nested
    class StandardWebhooks {

        String payload(String contactId) {
            return "{\"type\":\"contact.updated\",\"timestamp\":\"" + NOW + "\",\"data\":{\"id\":\"" + contactId
                    + "\",\"email\":\"zoe@example.com\",\"name\":\"Zoë\"}}";
        }

        /** The headers the library signs for, with the signature header the test builds from its signatures. */
        Map<String, String> headers(String msgId, long timestamp, String signatures) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("webhook-id", msgId);
            headers.put("webhook-timestamp", Long.toString(timestamp));
            headers.put("webhook-signature", signatures);
            return headers;
        }

        void assertLibraryAccepts(String payload, Map<String, String> headers) throws Exception {
            new com.standardwebhooks.Webhook(STANDARD_KEY).verify(payload, multi(headers));
        }

        void assertLibraryRefuses(String payload, Map<String, String> headers) {
            assertThatThrownBy(() -> new com.standardwebhooks.Webhook(STANDARD_KEY).verify(payload, multi(headers)))
                    .as("the Standard Webhooks library refuses it too").isInstanceOf(WebhookVerificationException.class);
        }

        @Test
        void messageSignedByTheLibraryIsQueued() throws Exception {
            String msgId = "msg_" + token(27);
            String payload = payload("c-" + token(8));
            String signature = new com.standardwebhooks.Webhook(STANDARD_KEY).sign(msgId, NOW.getEpochSecond(), payload);
            Map<String, String> headers = headers(msgId, NOW.getEpochSecond(), signature);
            assertLibraryAccepts(payload, headers);

            assertQueued(send("standard-contacts", headers, payload), "standard-contacts", payload, "/data/id");
        }

        /**
         * Several space-delimited signatures (a key rotation, an asymmetric v1a one, one that is not base64): any valid v1
         * one is enough, as for the library.
         */
        @Test
        void severalSignaturesOneValidIsQueued() throws Exception {
            String msgId = "msg_" + token(27);
            String payload = payload("c-" + token(8));
            long t = NOW.getEpochSecond() - 30;
            String other = new com.standardwebhooks.Webhook("whsec_" + Base64.getEncoder().encodeToString(bytes(32))).sign(msgId, t, payload);
            String valid = new com.standardwebhooks.Webhook(STANDARD_KEY).sign(msgId, t, payload);
            String ed25519 = "v1a," + Base64.getEncoder().encodeToString(bytes(64));
            Map<String, String> headers = headers(msgId, t, other + " " + ed25519 + " v1,not*base64 " + valid);
            assertLibraryAccepts(payload, headers);

            assertQueued(send("standard-contacts", headers, payload), "standard-contacts", payload, "/data/id");
        }

        @Test
        void tamperedBodyIsRefused() throws Exception {
            String msgId = "msg_" + token(27);
            String payload = payload("c-" + token(8));
            Map<String, String> headers = headers(msgId, NOW.getEpochSecond(),
                    new com.standardwebhooks.Webhook(STANDARD_KEY).sign(msgId, NOW.getEpochSecond(), payload));
            String tampered = payload.replace("zoe@", "mallory@");
            assertLibraryRefuses(tampered, headers);

            assertRefused(send("standard-contacts", headers, tampered));
        }

        @Test
        void wrongSecretIsRefused() throws Exception {
            String msgId = "msg_" + token(27);
            String payload = payload("c-" + token(8));
            String wrong = "whsec_" + Base64.getEncoder().encodeToString(bytes(24));
            Map<String, String> headers = headers(msgId, NOW.getEpochSecond(),
                    new com.standardwebhooks.Webhook(wrong).sign(msgId, NOW.getEpochSecond(), payload));
            assertLibraryRefuses(payload, headers);

            assertRefused(send("standard-contacts", headers, payload));
        }

        @Test
        void timestampOutsideTheToleranceIsRefused() throws Exception {
            String payload = payload("c-" + token(8));
            for (long t : new long[] {NOW.getEpochSecond() - TOLERANCE - 1, NOW.getEpochSecond() + TOLERANCE + 1}) {
                String msgId = "msg_" + token(27);
                Map<String, String> headers = headers(msgId, t, new com.standardwebhooks.Webhook(STANDARD_KEY).sign(msgId, t, payload));
                if (t < NOW.getEpochSecond()) {
                    // The library reads the system clock, which only moves on from NOW: only the stale one is sure to be refused.
                    assertLibraryRefuses(payload, headers);
                }

                assertRefused(send("standard-contacts", headers, payload));
            }
        }

        Map<String, List<String>> multi(Map<String, String> headers) {
            Map<String, List<String>> multi = new HashMap<>();
            headers.forEach((k, v) -> multi.put(k, List.of(v)));
            return multi;
        }
    }

    // --- Slack: the Slack SDK's SlackSignature, through Ferry's generic hmac scheme ------------------------

    @Nested
    class Slack {

        /** An Events API team_join callback, compact as Slack sends it. */
        String payload(String userId) {
            return "{\"token\":\"" + token(24) + "\",\"team_id\":\"T0001\",\"api_app_id\":\"A0001\",\"event\":{\"type\":\"team_join\","
                    + "\"user\":{\"id\":\"" + userId + "\",\"name\":\"zoe\",\"real_name\":\"Zoë Ångström\",\"profile\":{\"email\":"
                    + "\"zoe@example.com\"}}},\"type\":\"event_callback\",\"event_id\":\"Ev" + token(10) + "\",\"event_time\":"
                    + NOW.getEpochSecond() + "}";
        }

        Map<String, String> headers(String timestamp, String signature) {
            return Map.of(SlackSignature.HeaderNames.X_SLACK_REQUEST_TIMESTAMP.toLowerCase(java.util.Locale.ROOT), timestamp,
                    SlackSignature.HeaderNames.X_SLACK_SIGNATURE.toLowerCase(java.util.Locale.ROOT), signature,
                    "user-agent", "Slackbot 1.0 (+https://api.slack.com/robots)");
        }

        boolean slackAccepts(String timestamp, String payload, String signature) {
            return new SlackSignature.Verifier(new SlackSignature.Generator(SLACK_KEY)).isValid(timestamp, payload, signature, NOW.toEpochMilli());
        }

        @Test
        void requestSignedBySlackSdkIsQueued() throws Exception {
            String payload = payload("U" + token(8));
            String ts = Long.toString(NOW.getEpochSecond());
            String signature = new SlackSignature.Generator(SLACK_KEY).generate(ts, payload);
            assertThat(slackAccepts(ts, payload, signature)).as("the Slack SDK accepts it").isTrue();

            assertQueued(send("slack-members", headers(ts, signature), payload), "slack-members", payload, "/event/user/id");
        }

        @Test
        void tamperedBodyIsRefused() throws Exception {
            String payload = payload("U" + token(8));
            String ts = Long.toString(NOW.getEpochSecond());
            String signature = new SlackSignature.Generator(SLACK_KEY).generate(ts, payload);
            String tampered = payload.replace("zoe@", "mallory@");
            assertThat(slackAccepts(ts, tampered, signature)).as("the Slack SDK refuses it too").isFalse();

            assertRefused(send("slack-members", headers(ts, signature), tampered));
        }

        @Test
        void wrongSecretIsRefused() throws Exception {
            String payload = payload("U" + token(8));
            String ts = Long.toString(NOW.getEpochSecond());
            String signature = new SlackSignature.Generator(hex(16)).generate(ts, payload);
            assertThat(slackAccepts(ts, payload, signature)).as("the Slack SDK refuses it too").isFalse();

            assertRefused(send("slack-members", headers(ts, signature), payload));
        }

        @Test
        void timestampOutsideTheToleranceIsRefused() throws Exception {
            String payload = payload("U" + token(8));
            for (long t : new long[] {NOW.getEpochSecond() - TOLERANCE - 1, NOW.getEpochSecond() + TOLERANCE + 1}) {
                String ts = Long.toString(t);
                String signature = new SlackSignature.Generator(SLACK_KEY).generate(ts, payload);
                // The Slack SDK refuses only the stale one (it takes any timestamp from the future); Ferry refuses both.
                assertThat(slackAccepts(ts, payload, signature)).as("the Slack SDK on %s", ts).isEqualTo(t > NOW.getEpochSecond());

                assertRefused(send("slack-members", headers(ts, signature), payload));
            }
        }
    }

    // --- GitHub: @octokit/webhooks-methods (GitHub's own library; JavaScript only) through node --------------

    @Nested
    class GitHub {

        /** An issues "opened" delivery as GitHub sends it: compact JSON, non-ASCII text, an emoji, escaped slashes. */
        String payload(String nodeId) {
            return "{\"action\":\"opened\",\"issue\":{\"url\":\"https://api.github.com/repos/acme/widgets/issues/42\",\"id\":"
                    + RANDOM.nextInt(1_000_000_000) + ",\"node_id\":\"" + nodeId + "\",\"number\":42,\"title\":\"Crash on émoji input 🚀\","
                    + "\"user\":{\"login\":\"octocat\",\"id\":1},\"labels\":[{\"name\":\"bug\",\"color\":\"d73a4a\"}],\"state\":\"open\","
                    + "\"body\":\"Steps:\\r\\n1. paste \\u003cscript\\u003e\\n2. see <\\/b>\",\"created_at\":\"" + NOW + "\"},"
                    + "\"repository\":{\"full_name\":\"acme/widgets\",\"private\":false},\"sender\":{\"login\":\"octocat\"}}";
        }

        Map<String, String> headers(String deliveryId, String signature) {
            return Map.of("X-GitHub-Event", "issues", "X-GitHub-Delivery", deliveryId, "X-GitHub-Hook-ID", "292430182",
                    "X-Hub-Signature-256", signature, "User-Agent", "GitHub-Hookshot/044aadd");
        }

        @Test
        void deliverySignedByOctokitIsQueuedOnceThoughRedelivered() throws Exception {
            String payload = payload("I_kwDO" + token(10));
            String signature = Octokit.sign(GITHUB_KEY, payload);
            assertThat(signature).startsWith("sha256=");
            assertThat(Octokit.verify(GITHUB_KEY, payload, signature)).as("octokit accepts it").isTrue();
            String delivery = java.util.UUID.nameUUIDFromBytes(bytes(16)).toString();

            assertQueued(send("github-issues", headers(delivery, signature), payload), "github-issues", payload, "/issue/node_id");
            // A redelivery from GitHub's UI carries the same X-GitHub-Delivery: dropped.
            Answer again = send("github-issues", headers(delivery, signature), payload);
            assertThat(again.status()).as("answer %s", again).isEqualTo(200);
            assertThat(aws.depth(FerryConfig.Queue.TRANSFORM)).isZero();
        }

        @Test
        void tamperedBodyIsRefused() throws Exception {
            String payload = payload("I_kwDO" + token(10));
            String signature = Octokit.sign(GITHUB_KEY, payload);
            String tampered = payload.replace("\"state\":\"open\"", "\"state\":\"closed\"");
            assertThat(Octokit.verify(GITHUB_KEY, tampered, signature)).as("octokit refuses it too").isFalse();

            assertRefused(send("github-issues", headers(java.util.UUID.randomUUID().toString(), signature), tampered));
        }

        @Test
        void wrongSecretIsRefused() throws Exception {
            String payload = payload("I_kwDO" + token(10));
            String signature = Octokit.sign("not the secret " + token(8), payload);
            assertThat(Octokit.verify(GITHUB_KEY, payload, signature)).as("octokit refuses it too").isFalse();

            assertRefused(send("github-issues", headers(java.util.UUID.randomUUID().toString(), signature), payload));
        }
    }

    /**
     * GitHub's @octokit/webhooks-methods, run by node from src/test/node/octokit-signer. When the package is not there
     * yet, {@code npm ci} installs the exact version its package-lock.json names (so {@code ./mvnw verify} on a fresh
     * clone needs nothing more); without node, or when that install fails, the test fails saying what to run.
     */
    static final class Octokit {
        static final Path DIR = Path.of("src/test/node/octokit-signer").toAbsolutePath();
        static final String INSTALL = "(cd functions/webhook/src/test/node/octokit-signer && npm ci)";
        static boolean installed;

        static synchronized void install() throws Exception {
            if (installed || Files.exists(DIR.resolve("node_modules/@octokit/webhooks-methods/package.json"))) {
                installed = true;
                return;
            }
            String output = exec(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"), null, null, 300);
            assertThat(DIR.resolve("node_modules/@octokit/webhooks-methods/package.json"))
                    .as("@octokit/webhooks-methods is still not installed after npm ci (%s); run %s", output, INSTALL).exists();
            installed = true;
        }

        static String sign(String secret, String payload) throws Exception {
            return run(secret, payload, "sign");
        }

        static boolean verify(String secret, String payload, String signature) throws Exception {
            return Boolean.parseBoolean(run(secret, payload, "verify", signature));
        }

        static String run(String secret, String payload, String... args) throws Exception {
            install();
            List<String> command = new java.util.ArrayList<>(List.of("node", "sign.mjs"));
            command.addAll(List.of(args));
            return exec(command, secret, payload, 60);
        }

        /** Runs the command in {@link #DIR} (the secret in the environment, the payload on stdin) and gives its stdout. */
        static String exec(List<String> command, String secret, String payload, int timeoutSeconds) throws Exception {
            ProcessBuilder builder = new ProcessBuilder(command).directory(DIR.toFile());
            if (secret != null) {
                builder.environment().put("OCTOKIT_WEBHOOK_SECRET", secret);
            }
            Process process;
            try {
                process = builder.start();
            } catch (java.io.IOException e) {
                throw new AssertionError(command.getFirst() + " is needed to sign with GitHub's @octokit/webhooks-methods and could not"
                        + " be started (" + e.getMessage() + "): install Node.js 20 or newer with npm, then run " + INSTALL, e);
            }
            try (var stdin = process.getOutputStream()) {
                if (payload != null) {
                    stdin.write(payload.getBytes(StandardCharsets.UTF_8));
                }
            }
            var stdout = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            var stderr = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            if (!process.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " took over " + timeoutSeconds + " s; run " + INSTALL + " by hand");
            }
            assertThat(process.exitValue()).as("%s failed: %s", String.join(" ", command), stderr.get()).isZero();
            return stdout.get();
        }

        static String read(java.io.InputStream in) {
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    // --- the handler, fed Lambda Function URL events ------------------------------------------------------

    record Answer(int status, String body) {
    }

    /** POSTs the body to /webhooks/{integration} as a Lambda Function URL event (headers lower-cased, body in base64). */
    static Answer send(String integration, Map<String, String> providerHeaders, String body) throws Exception {
        ObjectNode event = (ObjectNode) Json.MAPPER.readTree(Files.readString(Path.of("../../events/webhook-function-url.json")));
        ObjectNode headers = (ObjectNode) event.get("headers");
        headers.remove(List.of("x-sandbox-delivery", "x-sandbox-signature"));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        headers.put("content-length", Integer.toString(bytes.length));
        providerHeaders.forEach((name, value) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), value));
        event.put("rawPath", "/webhooks/" + integration);
        ((ObjectNode) event.get("requestContext").get("http")).put("path", "/webhooks/" + integration);
        ((ObjectNode) event.get("requestContext")).put("timeEpoch", NOW.toEpochMilli());
        event.put("body", Base64.getEncoder().encodeToString(bytes));
        event.put("isBase64Encoded", true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        function.handleRequest(new ByteArrayInputStream(Json.writeBytes(event)), out, new LocalLambdaContext("ferry-webhook"));
        JsonNode answer = Json.MAPPER.readTree(out.toByteArray());
        return new Answer(answer.get("statusCode").asInt(), answer.path("body").asText());
    }

    static void assertQueued(Answer answer, String integration, String payload, String recordIdPointer) throws Exception {
        assertThat(answer.status()).as("answer %s", answer).isEqualTo(202);
        List<Message> queued = aws.drain(FerryConfig.Queue.TRANSFORM);
        assertThat(queued).hasSize(1);
        JsonNode envelope = Json.MAPPER.readTree(queued.getFirst().body());
        JsonNode sent = Json.MAPPER.readTree(payload);
        assertThat(envelope.get("integration").asText()).isEqualTo(integration);
        assertThat(envelope.get("recordId").asText()).isEqualTo(sent.at(recordIdPointer).asText());
        assertThat(envelope.get("payload")).isEqualTo(sent);
    }

    static void assertRefused(Answer answer) {
        assertThat(answer.status()).as("answer %s", answer).isEqualTo(401);
        assertThat(answer.body()).doesNotContain(STRIPE_KEY, STRIPE_OLD_KEY, STANDARD_KEY, SLACK_KEY, GITHUB_KEY);
        assertThat(aws.depth(FerryConfig.Queue.TRANSFORM)).as("nothing queued").isZero();
    }

    // --- seeded test data -------------------------------------------------------------------------------

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    static String token(int n) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    static String hex(int n) {
        return java.util.HexFormat.of().formatHex(bytes(n));
    }
}
