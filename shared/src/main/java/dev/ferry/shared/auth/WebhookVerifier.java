package dev.ferry.shared.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.ConfigurationException;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.Options.HmacAlgorithm;
import dev.ferry.shared.spec.Options.HmacEncoding;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verifies an inbound webhook's signature over the raw body bytes, by the scheme its spec names:
 * {@code hmac} (generic: header, algorithm, encoding, prefix, signed-content template),
 * {@code standard-webhooks}, {@code github} or {@code stripe}. Every candidate key (the current secret
 * and, during a rotation, the previous one) and every presented signature is tried; comparisons are
 * constant-time; timestamps must lie within the tolerance in both directions. Reasons never hold a
 * key or an expected signature. Nothing here throws for anything a sender controls: a timestamp of any size
 * or shape, any header, any body gets a {@link Rejected} with a reason (only a broken configuration throws
 * {@link ConfigurationException}).
 */
public final class WebhookVerifier {

    public static final int DEFAULT_TOLERANCE_SECONDS = 300;
    /** Epoch seconds with more digits than this are beyond any clock (year 3e10): refused before any arithmetic. */
    static final int MAX_TIMESTAMP_DIGITS = 18;
    private static final Pattern EPOCH_SECONDS = Pattern.compile("[0-9]+");
    private static final Pattern TEMPLATE = Pattern.compile("\\{(body|timestamp|header:[A-Za-z0-9_-]+)}");

    /** The outcome: verified (with the delivery id the scheme names, if any) or rejected with a reason. */
    public sealed interface Result {
    }

    /** @param deliveryId the provider's delivery id (configured header, else the scheme's own), or null */
    public record Verified(String deliveryId) implements Result {
    }

    public record Rejected(String reason) implements Result {
    }

    private final Clock clock;

    public WebhookVerifier(Clock clock) {
        this.clock = clock;
    }

    /** The header that must be present for this scheme, for error messages. */
    public static String signatureHeader(IntegrationSpec.Signature signature) {
        return switch (signature.schemeOrDefault()) {
            case STANDARD_WEBHOOKS -> "webhook-signature";
            case GITHUB -> "X-Hub-Signature-256";
            case STRIPE -> "Stripe-Signature";
            case HMAC -> signature.header();
        };
    }

    /**
     * @param headers case-insensitive header lookup (null when absent)
     * @param keys    the signing keys to accept, current first
     */
    public Result verify(IntegrationSpec.Webhook webhook, Function<String, String> headers, byte[] body, List<String> keys) {
        IntegrationSpec.Signature sig = webhook.signature();
        Result result = switch (sig.schemeOrDefault()) {
            case STANDARD_WEBHOOKS -> standardWebhooks(sig, headers, body, keys);
            case GITHUB -> github(headers, body, keys);
            case STRIPE -> stripe(sig, headers, body, keys);
            case HMAC -> hmac(sig, headers, body, keys);
        };
        if (result instanceof Verified v && webhook.deliveryIdHeader() != null) {
            return new Verified(headers.apply(webhook.deliveryIdHeader()));
        }
        return result;
    }

    // --- Standard Webhooks (https://www.standardwebhooks.com): id.timestamp.body, v1,<base64> ---------

    private Result standardWebhooks(IntegrationSpec.Signature sig, Function<String, String> headers, byte[] body, List<String> keys) {
        String id = headers.apply("webhook-id");
        String timestamp = headers.apply("webhook-timestamp");
        String signatures = headers.apply("webhook-signature");
        if (id == null || timestamp == null || signatures == null) {
            return new Rejected("missing webhook-id, webhook-timestamp or webhook-signature header");
        }
        Result stale = checkTimestamp(sig, timestamp);
        if (stale != null) {
            return stale;
        }
        List<byte[]> presented = new ArrayList<>();
        for (String entry : signatures.trim().split(" +")) {
            int comma = entry.indexOf(',');
            if (comma > 0 && entry.substring(0, comma).equals("v1")) {
                presented.add(Hmac.decode(HmacEncoding.BASE64, entry.substring(comma + 1)));
            }
        }
        if (presented.isEmpty()) {
            return new Rejected("webhook-signature holds no v1 signature");
        }
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        for (String key : keys) {
            byte[] expected = Hmac.mac(HmacAlgorithm.SHA256, standardWebhooksKey(key), prefix, body);
            for (byte[] candidate : presented) {
                if (Hmac.same(expected, candidate)) {
                    return new Verified(id);
                }
            }
        }
        return new Rejected("signature does not match the body");
    }

    /** A {@code whsec_} secret is base64 after its prefix; the decoded bytes are the HMAC key. */
    static byte[] standardWebhooksKey(String secret) {
        String b64 = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("the signing key is not a Standard Webhooks key (whsec_ followed by base64)");
        }
    }

    // --- GitHub: X-Hub-Signature-256: sha256=<hex>, delivery id X-GitHub-Delivery ---------------------

    private Result github(Function<String, String> headers, byte[] body, List<String> keys) {
        String presented = headers.apply("X-Hub-Signature-256");
        if (presented == null) {
            return new Rejected("missing signature header X-Hub-Signature-256");
        }
        if (!presented.startsWith("sha256=")) {
            return new Rejected("X-Hub-Signature-256 must start with sha256=");
        }
        byte[] candidate = Hmac.decode(HmacEncoding.HEX, presented.substring("sha256=".length()));
        for (String key : keys) {
            if (Hmac.same(Hmac.mac(HmacAlgorithm.SHA256, key.getBytes(StandardCharsets.UTF_8), body), candidate)) {
                return new Verified(headers.apply("X-GitHub-Delivery"));
            }
        }
        return new Rejected("signature does not match the body");
    }

    // --- Stripe: Stripe-Signature: t=<ts>,v1=<hex>[,v1=<hex>...] over "t.body"; id = the event's id -----

    private Result stripe(IntegrationSpec.Signature sig, Function<String, String> headers, byte[] body, List<String> keys) {
        String header = headers.apply("Stripe-Signature");
        if (header == null) {
            return new Rejected("missing signature header Stripe-Signature");
        }
        String timestamp = null;
        List<byte[]> presented = new ArrayList<>();
        for (String item : header.split(",")) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = ows(item.substring(0, eq));
            String value = ows(item.substring(eq + 1));
            if (name.equals("t")) {
                if (timestamp != null) {
                    return new Rejected("Stripe-Signature holds more than one t=");
                }
                timestamp = value;
            } else if (name.equals("v1")) {
                presented.add(Hmac.decode(HmacEncoding.HEX, value));
            }
        }
        if (timestamp == null || presented.isEmpty()) {
            return new Rejected("Stripe-Signature needs t= and at least one v1= signature");
        }
        Result stale = checkTimestamp(sig, timestamp);
        if (stale != null) {
            return stale;
        }
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        for (String key : keys) {
            byte[] expected = Hmac.mac(HmacAlgorithm.SHA256, key.getBytes(StandardCharsets.UTF_8), prefix, body);
            for (byte[] candidate : presented) {
                if (Hmac.same(expected, candidate)) {
                    return new Verified(eventId(body));
                }
            }
        }
        return new Rejected("signature does not match the body");
    }

    /** The event's id, or null when the body is not strict JSON (the step then refuses it, saying why). */
    private static String eventId(byte[] body) {
        try {
            JsonNode node = Json.parseStrict(body);
            return node.get("id") != null && node.get("id").isTextual() ? node.get("id").asText() : null;
        } catch (Json.MalformedJsonException e) {
            return null;
        }
    }

    // --- generic HMAC: header, prefix, algorithm, encoding, signed-content template ----------------------

    private Result hmac(IntegrationSpec.Signature sig, Function<String, String> headers, byte[] body, List<String> keys) {
        String presented = headers.apply(sig.header());
        if (presented == null) {
            return new Rejected("missing signature header " + sig.header());
        }
        String value = presented.trim();
        if (sig.prefix() != null && !sig.prefix().isEmpty()) {
            if (!value.startsWith(sig.prefix())) {
                return new Rejected(sig.header() + " must start with " + sig.prefix());
            }
            value = value.substring(sig.prefix().length());
        }
        String timestamp = null;
        if (sig.timestampHeader() != null) {
            timestamp = headers.apply(sig.timestampHeader());
            if (timestamp == null) {
                return new Rejected("missing timestamp header " + sig.timestampHeader());
            }
            Result stale = checkTimestamp(sig, timestamp);
            if (stale != null) {
                return stale;
            }
        }
        byte[][] content;
        try {
            content = content(sig.content(), body, timestamp, headers);
        } catch (IllegalArgumentException e) {
            return new Rejected(e.getMessage());
        }
        byte[] candidate = Hmac.decode(sig.encoding(), value);
        for (String key : keys) {
            if (Hmac.same(Hmac.mac(sig.algorithm(), key.getBytes(StandardCharsets.UTF_8), content), candidate)) {
                return new Verified(null);
            }
        }
        return new Rejected("signature does not match the body");
    }

    /** The signed content as parts, so the raw body bytes go in untouched. */
    static byte[][] content(String template, byte[] body, String timestamp, Function<String, String> headers) {
        if (template == null || template.equals("{body}")) {
            return new byte[][] {body};
        }
        List<byte[]> parts = new ArrayList<>();
        Matcher m = TEMPLATE.matcher(template);
        int at = 0;
        while (m.find()) {
            parts.add(template.substring(at, m.start()).getBytes(StandardCharsets.UTF_8));
            String name = m.group(1);
            if (name.equals("body")) {
                parts.add(body);
            } else if (name.equals("timestamp")) {
                parts.add(String.valueOf(timestamp).getBytes(StandardCharsets.UTF_8));
            } else {
                String header = name.substring("header:".length());
                String value = headers.apply(header);
                if (value == null) {
                    throw new IllegalArgumentException("missing header " + header + " (part of the signed content)");
                }
                parts.add(value.getBytes(StandardCharsets.UTF_8));
            }
            at = m.end();
        }
        parts.add(template.substring(at).getBytes(StandardCharsets.UTF_8));
        return parts.toArray(byte[][]::new);
    }

    /** Without HTTP's optional white space (spaces, tabs) around it; not trim(), which also drops control characters. */
    private static String ows(String value) {
        int from = 0;
        int to = value.length();
        while (from < to && (value.charAt(from) == ' ' || value.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (value.charAt(to - 1) == ' ' || value.charAt(to - 1) == '\t')) {
            to--;
        }
        return value.substring(from, to);
    }

    /**
     * Null when the epoch-seconds timestamp is within the tolerance of now (either way), else the rejection. Epoch
     * seconds are ASCII digits only (no sign, exponent, fraction or other scripts' digits, which Long.parseLong would
     * take); at most {@link #MAX_TIMESTAMP_DIGITS} of them, so the difference from now cannot overflow and no
     * {@code Instant} is ever built from the sender's number.
     */
    private Result checkTimestamp(IntegrationSpec.Signature sig, String timestamp) {
        String digits = ows(timestamp);
        int tolerance = sig.toleranceSeconds() == null ? DEFAULT_TOLERANCE_SECONDS : sig.toleranceSeconds();
        if (!EPOCH_SECONDS.matcher(digits).matches()) {
            return new Rejected("timestamp is not in epoch seconds (ASCII digits only)");
        }
        String significant = digits.replaceFirst("^0+(?=.)", "");
        if (significant.length() > MAX_TIMESTAMP_DIGITS) {
            return new Rejected("timestamp has " + significant.length() + " digits, far in the future; the tolerance is "
                    + tolerance + " s");
        }
        long seconds = Long.parseLong(significant);
        long skew = clock.instant().getEpochSecond() - seconds; // both below 1e18 in size: no overflow
        if (Math.abs(skew) > tolerance) {
            return new Rejected("timestamp is " + Math.abs(skew) + " s in the " + (skew < 0 ? "future" : "past")
                    + "; the tolerance is " + tolerance + " s (replayed, or the sender's clock is off)");
        }
        return null;
    }
}
