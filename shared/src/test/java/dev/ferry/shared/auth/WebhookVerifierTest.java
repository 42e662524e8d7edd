package dev.ferry.shared.auth;

import dev.ferry.shared.config.ConfigurationException;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.Options;
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
        return new IntegrationSpec.Webhook(Options.WebhookMode.FULL, null,
                new IntegrationSpec.Signature(
                        Options.SignatureScheme.valueOf(scheme.toUpperCase(java.util.Locale.ROOT).replace('-', '_')),
                        null, null, "s", null, null, null, null, null, null));
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
        var sig = new IntegrationSpec.Signature(Options.SignatureScheme.HMAC, "X-Sig", "v=", "s", null, Options.HmacAlgorithm.SHA512,
                Options.HmacEncoding.BASE64,
                "{timestamp}.{header:X-Method}.{body}", "X-Ts", 60);
        var hook = new IntegrationSpec.Webhook(Options.WebhookMode.FULL, "X-Delivery", sig);
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
        var hook = new IntegrationSpec.Webhook(Options.WebhookMode.FULL, "X-Delivery", new IntegrationSpec.Signature("X-Sig", "sha256=", "s", "key"));
        var h = headers("X-Sig", "sha256=757107EA0EB2509FC211221CCE984B8A37570B6D7586C22C46F4379C8B043E17", "X-Delivery", "d-1");
        assertThat(at(NOW).verify(hook, h, bytes("Hello, World!"), List.of("It's a Secret to Everybody")))
                .isEqualTo(new WebhookVerifier.Verified("d-1"));
        assertThat(at(NOW).verify(hook, headers("X-Sig", "sha256=zz", "X-Delivery", "d-1"), bytes("Hello, World!"),
                List.of("It's a Secret to Everybody"))).isInstanceOf(WebhookVerifier.Rejected.class);
    }

    // --- timestamps of any size or shape: a rejection with a reason, never an exception ----------------

    /** What senders (or attackers) put where epoch seconds belong. */
    static final String[] HOSTILE_TIMESTAMPS = {"9223372036854775807", "-9223372036854775808", "9223372036854775808",
            "1e30", "99999999999999999999", "31556889864403199" /* Instant.MAX */, "31556889864403200", "-31557014167219200",
            "-1", "-0", "+1700000000", "1700000000.5", "1700000000e0", "0x6553F100", "", " ", "١٧٠٠٠٠٠٠٠٠" /* Arabic-Indic */,
            "１７００００００００" /* full-width */, "1700000000\u0000", "17000 00000", "NaN", "\t"};

    /** Each scheme that signs a timestamp, signed correctly for that timestamp, so only the timestamp can refuse it. */
    @Test
    void hostileTimestampsAreRejectedWithAReasonOnEveryScheme() {
        byte[] body = bytes("{\"id\":\"evt_1\"}");
        String key = "whsec_" + java.util.Base64.getEncoder().encodeToString(bytes("a-test-key-for-timestamps"));
        var hmacSig = new IntegrationSpec.Signature(Options.SignatureScheme.HMAC, "X-Sig", null, "s", null, Options.HmacAlgorithm.SHA256,
                Options.HmacEncoding.HEX, "{timestamp}.{body}", "X-Ts", 300);
        for (String ts : HOSTILE_TIMESTAMPS) {
            String swSig = "v1," + java.util.Base64.getEncoder().encodeToString(Hmac.mac(Options.HmacAlgorithm.SHA256,
                    WebhookVerifier.standardWebhooksKey(key), bytes("msg_1." + ts + "."), body));
            String stripeSig = Hmac.encode(Options.HmacEncoding.HEX, Hmac.mac(Options.HmacAlgorithm.SHA256, bytes(key), bytes(ts + "."), body));
            String hmacValue = Hmac.encode(Options.HmacEncoding.HEX, Hmac.mac(Options.HmacAlgorithm.SHA256, bytes(key), bytes(ts + "."), body));
            var results = Map.of(
                    "standard-webhooks", at(NOW).verify(webhook("standard-webhooks"),
                            headers("webhook-id", "msg_1", "webhook-timestamp", ts, "webhook-signature", swSig), body, List.of(key)),
                    "stripe", at(NOW).verify(webhook("stripe"), headers("Stripe-Signature", "t=" + ts + ",v1=" + stripeSig), body, List.of(key)),
                    "hmac", at(NOW).verify(new IntegrationSpec.Webhook(Options.WebhookMode.FULL, "X-Delivery", hmacSig),
                            headers("X-Sig", hmacValue, "X-Ts", ts, "X-Delivery", "d-1"), body, List.of(key)));
            results.forEach((scheme, result) -> {
                assertThat(result).as("%s with timestamp '%s'", scheme, ts).isInstanceOf(WebhookVerifier.Rejected.class);
                assertThat(((WebhookVerifier.Rejected) result).reason()).as("%s with timestamp '%s'", scheme, ts)
                        .containsAnyOf("timestamp", "Stripe-Signature");
            });
        }
    }

    @Test
    void aTimestampWithLeadingZerosIsStillItsValue() {
        byte[] body = bytes("{}");
        String ts = "000" + NOW.getEpochSecond();
        String sig = Hmac.encode(Options.HmacEncoding.HEX, Hmac.mac(Options.HmacAlgorithm.SHA256, bytes("k"), bytes(ts + "."), body));
        assertThat(at(NOW).verify(webhook("stripe"), headers("Stripe-Signature", "t=" + ts + ",v1=" + sig), body, List.of("k")))
                .isInstanceOf(WebhookVerifier.Verified.class);
    }

    @Test
    void aTimestampFarOffSaysHowFarInWhichDirection() {
        var h = headers("Stripe-Signature", "t=99999999999999999,v1=" + STRIPE_V1);
        assertThat(at(NOW).verify(webhook("stripe"), h, bytes(STRIPE_BODY), List.of("whsec_test_secret_for_ferry")))
                .isEqualTo(new WebhookVerifier.Rejected("timestamp is " + (99999999999999999L - NOW.getEpochSecond())
                        + " s in the future; the tolerance is 300 s (replayed, or the sender's clock is off)"));
        assertThat(at(NOW).verify(webhook("stripe"), headers("Stripe-Signature", "t=1e30,v1=" + STRIPE_V1), bytes(STRIPE_BODY),
                List.of("whsec_test_secret_for_ferry")))
                .isEqualTo(new WebhookVerifier.Rejected("timestamp is not in epoch seconds (ASCII digits only)"));
    }

    @Test
    void stripeRefusesTwoTimestamps() {
        var h = headers("Stripe-Signature", "t=1700000000,t=1700000001,v1=" + STRIPE_V1);
        assertThat(at(NOW).verify(webhook("stripe"), h, bytes(STRIPE_BODY), List.of("whsec_test_secret_for_ferry")))
                .isEqualTo(new WebhookVerifier.Rejected("Stripe-Signature holds more than one t="));
    }
}
