package dev.ferry.local.dev;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.auth.Hmac;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.Options.HmacAlgorithm;
import dev.ferry.shared.spec.Options.HmacEncoding;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signs a webhook body the way the integration's provider would, for every scheme the webhook function verifies
 * ({@code hmac} with its header, prefix, algorithm, encoding, signed-content template and timestamp header;
 * {@code standard-webhooks}; {@code github}; {@code stripe}): the headers to send, a fresh delivery id where the scheme
 * or spec names one, and the send time now where the scheme needs one. The key goes into the signature only: nothing
 * this class returns or prints holds it.
 */
public final class WebhookSigner {

    private static final Pattern TEMPLATE_HEADER = Pattern.compile("\\{header:([A-Za-z0-9_-]+)}");

    /**
     * A signed request.
     *
     * @param headers          every header to send, in order (Content-Type first)
     * @param validForSeconds  how long the signature is accepted (its timestamp's tolerance), or null when it has none
     */
    public record Signed(String integration, Map<String, String> headers, byte[] body, Integer validForSeconds) {

        /**
         * A curl for it, to {@code baseUrl}/webhooks/{integration}.
         *
         * @param bodyFile the file the body was read from (sent byte for byte with {@code @file}), or null to inline it
         */
        public String curl(String baseUrl, String bodyFile) {
            StringBuilder s = new StringBuilder("curl -sS -X POST ").append(baseUrl).append("/webhooks/").append(integration);
            headers.forEach((k, v) -> s.append(" \\\n    -H ").append(quoted(k + ": " + v)));
            s.append(" \\\n    --data-binary ").append(bodyFile != null ? quoted("@" + bodyFile)
                    : quoted(new String(body, StandardCharsets.UTF_8)));
            return s.toString();
        }
    }

    private WebhookSigner() {
    }

    /** The webhook secret's name and field in Secrets Manager, for the integration's webhook. */
    public static String secretName(IntegrationSpec spec) {
        return spec.webhook().signature().secret();
    }

    /** The signing key in a secret's JSON (its {@code field}, default {@code key}), if it is there. */
    public static Optional<String> key(IntegrationSpec spec, String secretJson) {
        String field = spec.webhook().signature().field() == null ? "key" : spec.webhook().signature().field();
        try {
            JsonNode node = Json.MAPPER.readTree(secretJson);
            JsonNode value = node == null ? null : node.get(field);
            return value != null && value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A body to sign when none is given: the first example that maps, else a record with only its id. */
    public static byte[] sampleBody(IntegrationSpec spec) {
        for (IntegrationSpec.Example example : spec.examples()) {
            if (example.error() == null && example.input() != null && example.input().isObject()) {
                return Json.write(example.input()).getBytes(StandardCharsets.UTF_8);
            }
        }
        String idPath = spec.source() != null && spec.source().recordId() != null ? spec.source().recordId() : "/id";
        var record = Json.MAPPER.createObjectNode();
        var at = record;
        String[] parts = idPath.substring(1).split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            at = at.putObject(parts[i]);
        }
        at.put(parts[parts.length - 1], "sample-1");
        if (!idPath.equals("/id")) {
            record.put("id", "sample-1"); // the event id stripe's scheme takes as the delivery id
        }
        return Json.write(record).getBytes(StandardCharsets.UTF_8);
    }

    /** Signs {@code body} for the integration's webhook with {@code key}, as of {@code clock}'s now. */
    public static Signed sign(IntegrationSpec spec, String key, byte[] body, Clock clock) {
        IntegrationSpec.Webhook webhook = spec.webhook();
        IntegrationSpec.Signature sig = webhook.signature();
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        Integer tolerance = sig.toleranceSeconds() == null ? dev.ferry.shared.auth.WebhookVerifier.DEFAULT_TOLERANCE_SECONDS
                : sig.toleranceSeconds();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        if (webhook.deliveryIdHeader() != null) {
            headers.put(webhook.deliveryIdHeader(), UUID.randomUUID().toString());
        }
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        Integer validFor = null;
        switch (sig.schemeOrDefault()) {
            case STANDARD_WEBHOOKS -> {
                String id = headers.getOrDefault(webhook.deliveryIdHeader() == null ? "" : webhook.deliveryIdHeader(),
                        "msg_" + UUID.randomUUID().toString().replace("-", ""));
                byte[] mac = Hmac.mac(HmacAlgorithm.SHA256, standardWebhooksKey(key),
                        (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
                headers.put("webhook-id", id);
                headers.put("webhook-timestamp", timestamp);
                headers.put("webhook-signature", "v1," + Base64.getEncoder().encodeToString(mac));
                validFor = tolerance;
            }
            case GITHUB -> {
                headers.putIfAbsent("X-GitHub-Delivery", UUID.randomUUID().toString());
                headers.put("X-Hub-Signature-256", "sha256=" + Hmac.encode(HmacEncoding.HEX, Hmac.mac(HmacAlgorithm.SHA256, keyBytes, body)));
            }
            case STRIPE -> {
                byte[] mac = Hmac.mac(HmacAlgorithm.SHA256, keyBytes, (timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
                headers.put("Stripe-Signature", "t=" + timestamp + ",v1=" + Hmac.encode(HmacEncoding.HEX, mac));
                validFor = tolerance;
            }
            case HMAC -> {
                if (sig.timestampHeader() != null) {
                    headers.put(sig.timestampHeader(), timestamp);
                    validFor = tolerance;
                }
                // a header the signed content names and nothing above set: a fresh value, sent and signed
                Matcher m = TEMPLATE_HEADER.matcher(sig.content() == null ? "" : sig.content());
                while (m.find()) {
                    if (headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase(m.group(1)))) {
                        headers.put(m.group(1), UUID.randomUUID().toString());
                    }
                }
                byte[] mac = Hmac.mac(HmacAlgorithm.orDefault(sig.algorithm()), keyBytes, content(sig.content(), body, timestamp, headers));
                headers.put(sig.header(), (sig.prefix() == null ? "" : sig.prefix())
                        + Hmac.encode(sig.encoding() == null ? HmacEncoding.HEX : sig.encoding(), mac));
            }
            default -> throw new IllegalStateException("no signer for scheme " + sig.schemeOrDefault());
        }
        return new Signed(spec.name(), headers, body, validFor);
    }

    /** The signed content from the spec's template ({body}, {timestamp}, {header:Name}), the body's bytes untouched. */
    private static byte[][] content(String template, byte[] body, String timestamp, Map<String, String> headers) {
        if (template == null || template.equals("{body}")) {
            return new byte[][] {body};
        }
        List<byte[]> parts = new ArrayList<>();
        Matcher m = Pattern.compile("\\{(body|timestamp|header:[A-Za-z0-9_-]+)}").matcher(template);
        int at = 0;
        while (m.find()) {
            parts.add(template.substring(at, m.start()).getBytes(StandardCharsets.UTF_8));
            String name = m.group(1);
            if (name.equals("body")) {
                parts.add(body);
            } else if (name.equals("timestamp")) {
                parts.add(timestamp.getBytes(StandardCharsets.UTF_8));
            } else {
                String header = name.substring("header:".length());
                String value = headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(header)).map(Map.Entry::getValue)
                        .findFirst().orElseThrow();
                parts.add(value.getBytes(StandardCharsets.UTF_8));
            }
            at = m.end();
        }
        parts.add(template.substring(at).getBytes(StandardCharsets.UTF_8));
        return parts.toArray(byte[][]::new);
    }

    /** A {@code whsec_} secret is base64 after its prefix; the decoded bytes are the key (as the verifier reads it). */
    private static byte[] standardWebhooksKey(String secret) {
        String b64 = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the signing key is not a Standard Webhooks key (whsec_ followed by base64)");
        }
    }

    /**
     * A signed curl (after a {@code # name} line) for every integration that takes webhooks and whose webhook secret {@code secrets} holds (secret
     * name to its JSON), by name: what {@code ferry dev} prints at start.
     *
     * @param bodies a body to sign per integration; the others get {@link #sampleBody}
     */
    public static Map<String, String> curls(java.util.Collection<IntegrationSpec> specs, Map<String, String> secrets,
                                            Map<String, byte[]> bodies, String baseUrl, Clock clock) {
        Map<String, String> curls = new java.util.TreeMap<>();
        for (IntegrationSpec spec : specs) {
            if (spec.webhook() == null || spec.webhook().signature() == null || !secrets.containsKey(secretName(spec))) {
                continue;
            }
            Optional<String> key = key(spec, secrets.get(secretName(spec)));
            if (key.isEmpty()) {
                continue;
            }
            try {
                byte[] body = bodies.getOrDefault(spec.name(), sampleBody(spec));
                Signed signed = sign(spec, key.get(), body, clock);
                curls.put(spec.name(), "# " + spec.name() + (signed.validForSeconds() == null ? ""
                        : " (signed with the time now: accepted for " + signed.validForSeconds() + " s; `ferry sign " + spec.name()
                        + "` signs a fresh one)") + "\n" + signed.curl(baseUrl, null));
            } catch (IllegalArgumentException e) {
                curls.put(spec.name(), "# " + spec.name() + ": cannot sign: " + e.getMessage());
            }
        }
        return curls;
    }

    /** One shell word in single quotes. */
    static String quoted(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
