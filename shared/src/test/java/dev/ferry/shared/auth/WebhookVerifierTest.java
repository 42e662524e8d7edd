package dev.ferry.shared.auth;

import dev.ferry.shared.config.ConfigurationException;
import dev.ferry.shared.spec.IntegrationSpec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Signature vectors for every inbound scheme. The expected values are the providers' published
 * examples (Standard Webhooks, GitHub) or were computed outside Ferry with Python's hmac module
 * (Stripe's documented scheme, generic HMAC), so a bug in Ferry's HMAC code cannot hide itself.
 */
class WebhookVerifierTest {

    static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);

    static WebhookVerifier at(Instant now) {
        return new WebhookVerifier(Clock.fixed(now, ZoneOffset.UTC));
    }

    static Function<String, String> headers(String... pairs) {
        Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map::get;
    }

    static IntegrationSpec.Webhook webhook(String scheme) {
        return new IntegrationSpec.Webhook("full", null,
                new IntegrationSpec.Signature(scheme, null, null, "s", null, null, null, null, null, null));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // --- Standard Webhooks: the spec's own test vector -------------------------------------------

    static final String SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String SW_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final String SW_BODY = "{\"test\": 2432232314}";
    static final String SW_SIG = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    static final Instant SW_TIME = Instant.ofEpochSecond(1614265330L);

    @Test
    void standardWebhooksPublishedVectorVerifiesAndNamesTheDelivery() {
        var result = at(SW_TIME).verify(webhook("standard-webhooks"),
                headers("webhook-id", SW_ID, "webhook-timestamp", "1614265330", "webhook-signature", SW_SIG), bytes(SW_BODY), List.of(SW_SECRET));
        assertThat(result).isEqualTo(new WebhookVerifier.Verified(SW_ID));
    }

    @Test
    void standardWebhooksAcceptsAnyOfSeveralSignaturesAndIgnoresOtherVersions() {
        var result = at(SW_TIME).verify(webhook("standard-webhooks"),
                headers("webhook-id", SW_ID, "webhook-timestamp", "1614265330",
                        "webhook-signature", "v1a,abc v1,Zm9vYmFy " + SW_SIG), bytes(SW_BODY), List.of(SW_SECRET));
        assertThat(result).isInstanceOf(WebhookVerifier.Verified.class);
    }

    @Test
    void standardWebhooksRejectsATamperedBodyIdOrTimestamp() {
        var v = at(SW_TIME);
        assertThat(v.verify(webhook("standard-webhooks"), headers("webhook-id", SW_ID, "webhook-timestamp", "1614265330",
                "webhook-signature", SW_SIG), bytes("{\"test\": 2432232315}"), List.of(SW_SECRET)))
                .isEqualTo(new WebhookVerifier.Rejected("signature does not match the body"));
        assertThat(v.verify(webhook("standard-webhooks"), headers("webhook-id", "msg_other", "webhook-timestamp", "1614265330",
                "webhook-signature", SW_SIG), bytes(SW_BODY), List.of(SW_SECRET))).isInstanceOf(WebhookVerifier.Rejected.class);
        assertThat(v.verify(webhook("standard-webhooks"), headers("webhook-id", SW_ID, "webhook-timestamp", "1614265331",
                "webhook-signature", SW_SIG), bytes(SW_BODY), List.of(SW_SECRET))).isInstanceOf(WebhookVerifier.Rejected.class);
    }

    @Test
    void standardWebhooksRejectsExpiredAndFutureTimestampsBeyondTheTolerance() {
        var h = headers("webhook-id", SW_ID, "webhook-timestamp", "1614265330", "webhook-signature", SW_SIG);
        var late = at(SW_TIME.plusSeconds(301)).verify(webhook("standard-webhooks"), h, bytes(SW_BODY), List.of(SW_SECRET));
        var early = at(SW_TIME.minusSeconds(301)).verify(webhook("standard-webhooks"), h, bytes(SW_BODY), List.of(SW_SECRET));
        var edge = at(SW_TIME.plusSeconds(300)).verify(webhook("standard-webhooks"), h, bytes(SW_BODY), List.of(SW_SECRET));
        assertThat(late).isInstanceOf(WebhookVerifier.Rejected.class);
        assertThat(((WebhookVerifier.Rejected) late).reason()).contains("301 s in the past").contains("tolerance is 300 s");
        assertThat(((WebhookVerifier.Rejected) early).reason()).contains("301 s in the future");
        assertThat(edge).isInstanceOf(WebhookVerifier.Verified.class);
    }

    @Test
    void standardWebhooksRotationVerifiesWithThePreviousSecret() {
        var result = at(SW_TIME).verify(webhook("standard-webhooks"),
                headers("webhook-id", SW_ID, "webhook-timestamp", "1614265330", "webhook-signature", SW_SIG), bytes(SW_BODY),
                List.of("whsec_" + java.util.Base64.getEncoder().encodeToString(bytes("a-brand-new-key-after-rotation")), SW_SECRET));
        assertThat(result).isInstanceOf(WebhookVerifier.Verified.class);
    }

    @Test
    void standardWebhooksSecretThatIsNotBase64IsAConfigurationErrorWithoutTheValue() {
        assertThatThrownBy(() -> at(SW_TIME).verify(webhook("standard-webhooks"),
                headers("webhook-id", SW_ID, "webhook-timestamp", "1614265330", "webhook-signature", SW_SIG), bytes(SW_BODY),
                List.of("whsec_not*base64!")))
                .isInstanceOf(ConfigurationException.class).hasMessageNotContaining("not*base64");
    }

    // --- GitHub: the documentation's example -----------------------------------------------------

    @Test
    void githubDocumentedExampleVerifies() {
        var result = at(NOW).verify(webhook("github"), headers("X-Hub-Signature-256",
                        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", "X-GitHub-Delivery", "72d3162e"),
                bytes("Hello, World!"), List.of("It's a Secret to Everybody"));
        assertThat(result).isEqualTo(new WebhookVerifier.Verified("72d3162e"));
    }

    @Test
    void githubRejectsWrongSecretMissingHeaderAndMissingPrefix() {
        String sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assertThat(at(NOW).verify(webhook("github"), headers("X-Hub-Signature-256", sig), bytes("Hello, World!"),
                List.of("another secret"))).isInstanceOf(WebhookVerifier.Rejected.class);
        assertThat(at(NOW).verify(webhook("github"), headers(), bytes("Hello, World!"), List.of("It's a Secret to Everybody")))
                .isEqualTo(new WebhookVerifier.Rejected("missing signature header X-Hub-Signature-256"));
        assertThat(at(NOW).verify(webhook("github"), headers("X-Hub-Signature-256", sig.substring(7)), bytes("Hello, World!"),
                List.of("It's a Secret to Everybody"))).isInstanceOf(WebhookVerifier.Rejected.class);
    }

    // --- Stripe: t=,v1= over "t.body" --------------------------------------------------------------

    static final String STRIPE_BODY = "{\"id\":\"evt_1\",\"type\":\"customer.created\",\"data\":{\"object\":{\"id\":\"cus_1\"}}}";
    static final String STRIPE_V1 = "00d75fb8e36fbc55ad4669d32019007704b20f3f0919aa8295fca78776263c8a";
    static final String STRIPE_V1_PREVIOUS = "9cc395f42e7348050f2f835eeafa42bda91e8563a2cd6d3843400e224db7bfe5";

    @Test
    void stripeSignatureVerifiesAndTheEventIdIsTheDeliveryId() {
        var result = at(NOW).verify(webhook("stripe"), headers("Stripe-Signature", "t=1700000000,v1=" + STRIPE_V1 + ",v0=deadbeef"),
                bytes(STRIPE_BODY), List.of("whsec_test_secret_for_ferry"));
        assertThat(result).isEqualTo(new WebhookVerifier.Verified("evt_1"));
    }

    @Test
    void stripeDuringSecretRollRequestsCarryTwoV1SignaturesAndEitherKeyWorks() {
        var h = headers("Stripe-Signature", "t=1700000000,v1=" + STRIPE_V1 + ",v1=" + STRIPE_V1_PREVIOUS);
        assertThat(at(NOW).verify(webhook("stripe"), h, bytes(STRIPE_BODY), List.of("whsec_previous_secret")))
                .isInstanceOf(WebhookVerifier.Verified.class);
        var onlyOld = headers("Stripe-Signature", "t=1700000000,v1=" + STRIPE_V1_PREVIOUS);
        assertThat(at(NOW).verify(webhook("stripe"), onlyOld, bytes(STRIPE_BODY), List.of("whsec_test_secret_for_ferry")))
                .isInstanceOf(WebhookVerifier.Rejected.class);
        assertThat(at(NOW).verify(webhook("stripe"), onlyOld, bytes(STRIPE_BODY), List.of("whsec_test_secret_for_ferry", "whsec_previous_secret")))
                .isInstanceOf(WebhookVerifier.Verified.class);
    }

    @Test
    void stripeRejectsStaleAndFutureTimestampsAndHeadersWithoutV1() {
        var h = headers("Stripe-Signature", "t=1700000000,v1=" + STRIPE_V1);
        assertThat(at(NOW.plusSeconds(600)).verify(webhook("stripe"), h, bytes(STRIPE_BODY), List.of("whsec_test_secret_for_ferry")))
                .isInstanceOf(WebhookVerifier.Rejected.class);
        assertThat(at(NOW.minusSeconds(600)).verify(webhook("stripe"), h, bytes(STRIPE_BODY), List.of("whsec_test_secret_for_ferry")))
                .isInstanceOf(WebhookVerifier.Rejected.class);
        assertThat(at(NOW).verify(webhook("stripe"), headers("Stripe-Signature", "t=1700000000,v0=" + STRIPE_V1),
                bytes(STRIPE_BODY), List.of("whsec_test_secret_for_ferry"))).isInstanceOf(WebhookVerifier.Rejected.class);
    }

    // --- generic HMAC --------------------------------------------------------------------------------

    @Test
    void genericHmacWithTemplateAlgorithmAndBase64() {
        var sig = new IntegrationSpec.Signature("hmac", "X-Sig", "v=", "s", null, "sha512", "base64",
                "{timestamp}.{header:X-Method}.{body}", "X-Ts", 60);
        var hook = new IntegrationSpec.Webhook("full", "X-Delivery", sig);
        String expected = "khwwuqfFqRYJ+0Vk9Mbp/twGh4RsgVUqrVx3W8W1D/M4cHKw2OFmVjsWXkuAGuD+pQomFt7pdNIreLrIROmk0Q==";
        var ok = at(NOW).verify(hook, headers("X-Sig", "v=" + expected, "X-Ts", "1700000000", "X-Method", "POST", "X-Delivery", "d-9"),
                bytes("{\"a\":1}"), List.of("generic-key"));
        assertThat(ok).isEqualTo(new WebhookVerifier.Verified("d-9"));
        var stale = at(NOW.plusSeconds(61)).verify(hook, headers("X-Sig", "v=" + expected, "X-Ts", "1700000000", "X-Method", "POST"),
                bytes("{\"a\":1}"), List.of("generic-key"));
        assertThat(stale).isInstanceOf(WebhookVerifier.Rejected.class);
        var missingPart = at(NOW).verify(hook, headers("X-Sig", "v=" + expected, "X-Ts", "1700000000"), bytes("{\"a\":1}"), List.of("generic-key"));
        assertThat(missingPart).isEqualTo(new WebhookVerifier.Rejected("missing header X-Method (part of the signed content)"));
    }

    @Test
    void genericHmacDefaultIsHexSha256OverTheRawBody() {
        var hook = new IntegrationSpec.Webhook("full", "X-Delivery", new IntegrationSpec.Signature("X-Sig", "sha256=", "s", "key"));
        var h = headers("X-Sig", "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17", "X-Delivery", "d-1");
        assertThat(at(NOW).verify(hook, h, bytes("Hello, World!"), List.of("It's a Secret to Everybody")))
                .isEqualTo(new WebhookVerifier.Verified("d-1"));
        assertThat(at(NOW).verify(hook, headers("X-Sig", "sha256=zz", "X-Delivery", "d-1"), bytes("Hello, World!"),
                List.of("It's a Secret to Everybody"))).isInstanceOf(WebhookVerifier.Rejected.class);
    }
}
