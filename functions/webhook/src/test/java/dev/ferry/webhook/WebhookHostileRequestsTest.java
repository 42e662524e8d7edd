package dev.ferry.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.LocalLambdaContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile requests through the real webhook handler ({@link WebhookFunction}, fed the Lambda HTTP API event JSON as
 * bytes, as on AWS and under {@code LocalFerry}) over real queues (ElasticMQ), a real idempotency table (DynamoDB Local)
 * and real secrets (moto). For every signature scheme, {@link #CASES} generated requests, each with at least one defect
 * (malformed, duplicated, truncated or trailing JSON; invalid UTF-8; odd timestamps; missing, duplicated, huge or
 * wrongly typed headers; wrong signatures or signatures for another body; odd base64 flags; null fields; other
 * methods and paths; broken event bytes) — many of them correctly signed, so they pass verification and reach the
 * JSON checks. Every answer must be a 4xx with a reason that holds no key; nothing may be thrown or queued.
 *
 * <p>Seeded: {@code -Dferry.test.seed=N} replays a run, {@code -Dferry.test.webhook-cases=N} sets its size.
 */
class WebhookHostileRequestsTest {

    static final long SEED = Long.getLong("ferry.test.seed", 20261211L);
    static final int CASES = Integer.getInteger("ferry.test.webhook-cases", 10_000);
    /**
     * The handler's clock: the real time, to the second. Idempotency records expire {@code ttl-days} after this clock, and
     * DynamoDB Local's TTL sweep deletes expired items at once, so a fixed date would turn into a test that changes its
     * behaviour two weeks later. {@code -Dferry.test.now=2026-12-01T10:00:00Z} replays a run (with its seed).
     */
    static final Instant NOW = Instant.parse(System.getProperty("ferry.test.now",
            Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()));
    /**
     * The most one hostile request may take in the handler: generous (a shared 2-core machine, a GC pause), so that it
     * fails only on work that grows with the hostile input (a parser gone quadratic, a regex backtracking).
     */
    static final long BOUND_MILLIS = Long.getLong("ferry.test.webhook-bound-ms", 3_000);
    /** Answers by status code over every scheme, printed at the end. */
    static final Map<Integer, Integer> ALL_STATUSES = new java.util.concurrent.ConcurrentSkipListMap<>();
    static final String VALID_BODY = "{\"id\":\"r-1\",\"name\":\"Zoë Ada\",\"amount\":12.50,\"tags\":[\"a\",\"b\"]}";

    /** Every scheme WebhookVerifier knows, the generic hmac in three shapes; each an integration of its own. */
    enum Scheme {
        HMAC("hook-hmac", "fuzz-hmac-key-1", """
                deliveryIdHeader: X-Delivery
                  signature: { header: X-Signature, prefix: "sha256=", secret: ferry/fuzz/hook-hmac }"""),
        HMAC_TIMESTAMPED("hook-hmac-ts", "fuzz-hmac-ts-key-2", """
                deliveryIdHeader: X-Delivery
                  signature: { header: X-Signature, secret: ferry/fuzz/hook-hmac-ts, algorithm: sha512, encoding: base64,
                               content: "{timestamp}.{body}", timestampHeader: X-Timestamp, toleranceSeconds: 300 }"""),
        HMAC_HEADER_PART("hook-hmac-sha1", "fuzz-hmac-sha1-key-3", """
                deliveryIdHeader: X-Delivery
                  signature: { header: X-Hook-Sig, secret: ferry/fuzz/hook-hmac-sha1, algorithm: sha1, content: "{header:X-Event}:{body}" }"""),
        STANDARD_WEBHOOKS("hook-standard", "whsec_" + Base64.getEncoder().encodeToString("fuzz-standard-key-bytes-4".getBytes(StandardCharsets.UTF_8)), """
                signature: { scheme: standard-webhooks, secret: ferry/fuzz/hook-standard }"""),
        GITHUB("hook-github", "fuzz github secret 5", """
                signature: { scheme: github, secret: ferry/fuzz/hook-github }"""),
        STRIPE("hook-stripe", "whsec_fuzzstripekey6", """
                signature: { scheme: stripe, secret: ferry/fuzz/hook-stripe, toleranceSeconds: 300 }""");

        final String integration;
        final String key;
        final String webhookYaml;

        Scheme(String integration, String key, String webhookYaml) {
            this.integration = integration;
            this.key = key;
            this.webhookYaml = webhookYaml;
        }

        boolean timestamped() {
            return this == HMAC_TIMESTAMPED || this == STANDARD_WEBHOOKS || this == STRIPE;
        }

        String spec() {
            return "name: " + integration + "\nsource: { recordId: /id }\nwebhook:\n  " + webhookYaml
                    + "\nmapping:\n  id: { from: /id }\ndestination: { method: PUT, url: \"https://example.com/c/{recordId}\" }\n";
        }
    }

    static AwsEmulators aws;
    static WebhookFunction function;

    @BeforeAll
    static void start(@TempDir Path specs) throws Exception {
        aws = AwsEmulators.start();
        for (Scheme s : Scheme.values()) {
            Files.writeString(specs.resolve(s.integration + ".yaml"), s.spec());
            aws.putSecret("ferry/fuzz/" + s.integration, Json.write(JsonNodeFactory.instance.objectNode().put("key", s.key)));
        }
        Map<String, String> config = new HashMap<>(aws.config());
        config.put(FerryConfig.LOCAL_MODE, "true");
        config.put(FerryConfig.INTEGRATIONS_DIR, specs.toString());
        FerryRuntime runtime = new FerryRuntime(FerryConfig.of(config), Clock.fixed(NOW, ZoneOffset.UTC));
        function = new WebhookFunction(runtime.webhookStep());
    }

    @AfterAll
    static void stop() {
        System.out.printf("webhook fuzzing: %d hostile requests over %d schemes (seed %d, now " + NOW + "); answers by status %s%n",
                ALL_STATUSES.values().stream().mapToInt(Integer::intValue).sum(), Scheme.values().length, SEED, ALL_STATUSES);
        if (aws != null) {
            aws.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> everySchemeAnswersEveryHostileRequestWithAReasonedFourHundred() {
        return Arrays.stream(Scheme.values()).map(s -> DynamicTest.dynamicTest(s.integration, () -> run(s)));
    }

    // --- one scheme ---------------------------------------------------------------------------------

    /** @param problem null when the answer is as it must be, else what is wrong with it */
    record Answer(int status, String reason, String problem) {
    }

    static Answer invoke(byte[] event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            function.handleRequest(new ByteArrayInputStream(event), out, new LocalLambdaContext("ferry-webhook"));
        } catch (Throwable t) {
            return new Answer(-1, null, "threw " + t.getClass().getName());
        }
        try {
            JsonNode answer = Json.parseStrict(out.toByteArray());
            JsonNode body = Json.parseStrict(answer.path("body").asText("").getBytes(StandardCharsets.UTF_8));
            return new Answer(answer.path("statusCode").asInt(-1), body.path("error").isTextual() ? body.get("error").asText() : null, null);
        } catch (Json.MalformedJsonException e) {
            return new Answer(-1, null, "answered something that is not JSON (" + e.getMessage() + ")");
        }
    }

    /** What is wrong with the answer to a broken request, or null. */
    static String judge(Answer answer) {
        if (answer.problem() != null) {
            return answer.problem();
        }
        if (answer.status() < 400 || answer.status() > 499) {
            return "answered " + answer.status();
        }
        if (answer.reason() == null || answer.reason().isBlank()) {
            return "answered " + answer.status() + " without a reason";
        }
        for (Scheme s : Scheme.values()) {
            if (answer.reason().contains(s.key)) {
                return "answered with a key in the reason";
            }
        }
        return null;
    }

    void run(Scheme scheme) {
        long seed = SEED + scheme.ordinal();
        // The generator's baseline is a valid request: accepted and queued. Every case below breaks it somewhere.
        aws.drain(FerryConfig.Queue.TRANSFORM);
        Draft valid = new Draft(scheme, new Random(seed));
        byte[] baseline = valid.build();
        Answer accepted = invoke(baseline);
        assertThat(accepted.status()).as("%s: the unbroken request is accepted (%s)", scheme, accepted).isEqualTo(202);
        assertThat(aws.drain(FerryConfig.Queue.TRANSFORM)).as("%s: the unbroken request is queued", scheme).hasSize(1);

        Random random = new Random(seed);
        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<String, Integer> defectsSeen = new TreeMap<>();
        Map<String, Integer> wrong = new TreeMap<>(); // "problem, by defect" -> count
        List<String> examples = new ArrayList<>();
        int reachedJsonCheck = 0;
        long[] times = new long[CASES];
        List<String> slow = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < CASES; i++) {
            Draft draft = new Draft(scheme, random);
            List<Defect> defects = draft.breakIt();
            byte[] event = draft.build();
            String what = "seed " + seed + " (-Dferry.test.seed=" + SEED + "), " + scheme + " case " + i + " " + defects
                    + ": " + excerpt(event);
            long t0 = System.nanoTime();
            Answer answer = invoke(event);
            long took = System.nanoTime() - t0;
            times[i] = took;
            if (took > BOUND_MILLIS * 1_000_000) {
                slow.add(what + " took " + took / 1_000_000 + " ms");
            }
            statuses.merge(answer.status(), 1, Integer::sum);
            ALL_STATUSES.merge(answer.status(), 1, Integer::sum);
            defects.forEach(d -> defectsSeen.merge(d.name(), 1, Integer::sum));
            String problem = judge(answer);
            if (problem != null) {
                // Go on: the summary then shows every kind of wrong answer, not only the first.
                wrong.merge(problem + " for " + defects, 1, Integer::sum);
                if (examples.size() < 5) {
                    examples.add(what + " -> " + answer);
                }
                continue;
            }
            if (answer.reason().startsWith("body is not valid JSON") || answer.reason().startsWith("body must be a JSON object")) {
                reachedJsonCheck++;
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        System.out.printf("%s: %d hostile requests in %d ms (handler time p50 %.2f ms, p99 %.2f ms, max %.1f ms; bound %d ms);"
                        + " statuses %s; %d reached the JSON check; defects %s%n", scheme, CASES, millis, sorted[CASES / 2] / 1e6,
                sorted[CASES * 99 / 100] / 1e6, sorted[CASES - 1] / 1e6, BOUND_MILLIS, statuses, reachedJsonCheck, defectsSeen);
        assertThat(statuses.values().stream().mapToInt(Integer::intValue).sum()).as("every case answered").isEqualTo(CASES);
        assertThat(slow).as("%s: requests over the %d ms bound (seed %d)", scheme, BOUND_MILLIS, seed).isEmpty();
        assertThat(wrong).as("%s: wrong answers (seed %d), e.g.%n%s", scheme, seed, String.join("\n", examples)).isEmpty();
        assertThat(aws.depth(FerryConfig.Queue.TRANSFORM)).as("%s: nothing queued for transform", scheme).isZero();
        assertThat(aws.depth(FerryConfig.Queue.FETCH)).as("%s: nothing queued for fetch", scheme).isZero();
        assertThat(reachedJsonCheck).as("%s: correctly signed malformed bodies pass verification and are refused by the JSON"
                + " check (seed %d)", scheme, seed).isGreaterThan(CASES / 20);
    }

    static String excerpt(byte[] event) {
        String text = new String(event, StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        return text.length() > 400 ? text.substring(0, 400) + "…" : text;
    }

    // --- the generator --------------------------------------------------------------------------------

    enum Phase { BODY, HEADERS, EVENT, BYTES }

    /** One way to break a request; each alone is enough for a 4xx. */
    enum Defect {
        TRUNCATED_JSON, TWO_DOCUMENTS, TRAILING_GARBAGE, TRAILING_COMMA, DUPLICATE_KEY, NOT_JSON_SYNTAX, INVALID_UTF8,
        BYTE_ORDER_MARK, LONE_SURROGATE_TEXT, NOT_AN_OBJECT, EMPTY_BODY, DEEP_NESTING, LONG_NUMBER, NO_RECORD_ID,
        BAD_RECORD_ID, TOO_LARGE,
        DEEP_OBJECT, NEGATIVE_LONG_NUMBER, LONG_FRACTION,
        WRONG_SIGNATURE, SIGNED_OTHER_BODY, WRONG_KEY, MISSING_SIGNATURE, HUGE_SIGNATURE, CRLF_SIGNATURE, REPEATED_SIGNATURE,
        CRLF_DELIVERY_ID, ODD_INTEGRATION_NAME,
        HOSTILE_TIMESTAMP, STALE_TIMESTAMP,
        MISSING_DELIVERY_ID, BAD_DELIVERY_ID, DUPLICATE_HEADER, NULL_HEADER, NON_TEXT_HEADER, HUGE_HEADER, TOO_MANY_HEADERS,
        METHOD, ROUTE, REQUEST_CONTEXT, BODY_TYPE, BASE64_FLAG, NULL_FIELD, EVENT_NOT_OBJECT,
        EVENT_TRUNCATED, EVENT_TRAILING, EVENT_INVALID_UTF8, EVENT_DUPLICATE_KEY;

        boolean appliesTo(Scheme s) {
            return switch (this) {
                case HOSTILE_TIMESTAMP, STALE_TIMESTAMP -> s.timestamped();
                default -> true;
            };
        }

        /** Defects that decide the whole event; combining them with others would only hide those. */
        boolean alone() {
            return this == EVENT_NOT_OBJECT || this == EVENT_TRUNCATED || this == TOO_LARGE;
        }

        /**
         * What the defect changes. Two defects of one request change different things, so the second cannot undo the
         * first (a truncation that cuts a trailing document off again, a rewrite that drops invalid bytes).
         */
        String part(Scheme s) {
            return switch (this) {
                case WRONG_SIGNATURE, SIGNED_OTHER_BODY, WRONG_KEY, MISSING_SIGNATURE, HUGE_SIGNATURE, CRLF_SIGNATURE,
                     REPEATED_SIGNATURE -> "signature";
                case CRLF_DELIVERY_ID -> s == Scheme.STRIPE ? "body" : "delivery";
                case ODD_INTEGRATION_NAME -> "event";
                case HOSTILE_TIMESTAMP, STALE_TIMESTAMP -> "timestamp";
                case MISSING_DELIVERY_ID, BAD_DELIVERY_ID -> s == Scheme.STRIPE ? "body" : "delivery";
                case DUPLICATE_HEADER, NULL_HEADER, NON_TEXT_HEADER, HUGE_HEADER, TOO_MANY_HEADERS -> "headers";
                case METHOD, ROUTE, REQUEST_CONTEXT, BODY_TYPE, BASE64_FLAG, NULL_FIELD -> "event";
                case EVENT_NOT_OBJECT, EVENT_TRUNCATED, EVENT_TRAILING, EVENT_INVALID_UTF8, EVENT_DUPLICATE_KEY -> "bytes";
                default -> "body";
            };
        }
    }

    static final String[] HOSTILE_TIMESTAMPS = hostileTimestamps(NOW.getEpochSecond());

    /** Out-of-range values, and NOW in forms that are not epoch seconds: for those only the form can refuse them. */
    static String[] hostileTimestamps(long now) {
        String digits = Long.toString(now);
        StringBuilder arabicIndic = new StringBuilder();
        StringBuilder fullWidth = new StringBuilder();
        for (char c : digits.toCharArray()) {
            arabicIndic.append((char) ('\u0660' + (c - '0')));
            fullWidth.append((char) ('\uFF10' + (c - '0')));
        }
        return new String[] {"9223372036854775807", "-9223372036854775808", "9223372036854775808",
            "1e30", "99999999999999999999", "31556889864403200", "-1", "+" + digits, digits + ".5", "0x" + Long.toHexString(now).toUpperCase(),
            "", arabicIndic.toString(), fullWidth.toString(), digits + "\u0000", digits.substring(0, 5) + " " + digits.substring(5),
            digits.charAt(0) + "." + digits.substring(1, 8) + "e" + (digits.length() - 1), "NaN", "∞", "\uD800"};
    }
    static final String[] METHODS = {"GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT", "", " ",
            "POST ", " POST", "P0ST", "POSTS", "PO\u0000ST", "ＰＯＳＴ", "\uD800", "X".repeat(5000)};
    static final byte[][] INVALID_UTF8 = {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
            {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0xAF}, {(byte) 0x80}, {(byte) 0xBF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xED, (byte) 0xBF, (byte) 0xBF}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
            {(byte) 0xFF}, {(byte) 0xC1, (byte) 0xBF}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};

    /** Integration names that are not the scheme's {i} (nor any integration's), in forms a path or a router might bend. */
    static final String[] ODD_NAMES = {"{i}\u0000", "{i}%00", "{i}/..", "../{i}", "{i}\r\n", "h\u043Eok-hmac", "{i}\u200B", "{i}.yaml",
            "{i}?x=1", "{i}#", "%7Bintegration%7D", "{integration}", "\uD800", "i".repeat(10_000), "{i}{i}", "{i} ", "\t{i}",
            "{i}\uFEFF", "ＨＯＯＫ", "🙂", "*", "%2e%2e", "..", ".", "null", "undefined"};

    static final int[] NOISE = "abcXYZ019 -_./:;,=\"'\\{}[]é😀\u0001\u0007\uFEFF".codePoints().toArray();

    /** One request being generated: what is signed, the headers, the event, its bytes. */
    static final class Draft {
        final Scheme scheme;
        final Random random;
        final List<Defect> defects = new ArrayList<>();
        byte[] body;
        String bodyText; // set: sent as this text, not derived from the bytes
        boolean base64;
        String timestamp = Long.toString(NOW.getEpochSecond());
        String deliveryId;
        String signingKey;
        byte[] signedBody; // null: the body itself
        ObjectNode headers;
        ObjectNode event;

        Draft(Scheme scheme, Random random) {
            this.scheme = scheme;
            this.random = random;
            this.deliveryId = "d-" + Long.toHexString(random.nextLong());
            this.body = VALID_BODY.replace("r-1", "r-" + random.nextInt(1_000_000)).getBytes(StandardCharsets.UTF_8);
            this.base64 = random.nextBoolean();
            this.signingKey = scheme.key;
        }

        List<Defect> breakIt() {
            List<Defect> candidates = Arrays.stream(Defect.values()).filter(d -> d.appliesTo(scheme)).toList();
            Defect first = candidates.get(random.nextInt(candidates.size()));
            defects.add(first);
            if (!first.alone() && random.nextInt(10) < 3) {
                Defect second = candidates.get(random.nextInt(candidates.size()));
                if (!second.alone() && !second.part(scheme).equals(first.part(scheme))) {
                    defects.add(second);
                }
            }
            return defects;
        }

        byte[] build() {
            defects.forEach(d -> apply(d, Phase.BODY));
            headers = JsonNodeFactory.instance.objectNode();
            headers.put("content-type", "application/json");
            headers.put("user-agent", "Fuzz/1.0 " + random.nextInt(100));
            if (random.nextBoolean()) {
                headers.put("traceparent", random.nextBoolean() ? "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                        : "00-" + Long.toHexString(random.nextLong()) + "-zz");
            }
            for (int n = random.nextInt(4); n > 0; n--) {
                headers.put("x-noise-" + n, noise());
            }
            sign();
            defects.forEach(d -> apply(d, Phase.HEADERS));
            event = JsonNodeFactory.instance.objectNode();
            event.put("version", "2.0");
            event.put("routeKey", "POST /webhooks/{integration}");
            event.put("rawPath", "/webhooks/" + scheme.integration);
            event.put("rawQueryString", "");
            event.set("headers", headers);
            ObjectNode context = event.putObject("requestContext");
            context.put("requestId", "req-" + random.nextInt(1_000_000));
            ObjectNode http = context.putObject("http");
            http.put("method", "POST");
            http.put("path", "/webhooks/" + scheme.integration);
            http.put("protocol", "HTTP/1.1");
            http.put("sourceIp", "203.0.113.10");
            context.put("timeEpoch", NOW.toEpochMilli());
            event.putObject("pathParameters").put("integration", scheme.integration);
            if (bodyText != null) {
                event.put("body", bodyText);
                event.put("isBase64Encoded", false);
            } else {
                boolean asBase64 = base64 || !validUtf8(body);
                event.put("body", asBase64 ? Base64.getEncoder().encodeToString(body) : new String(body, StandardCharsets.UTF_8));
                event.put("isBase64Encoded", asBase64);
                base64 = asBase64;
            }
            defects.forEach(d -> apply(d, Phase.EVENT));
            byte[][] bytes = {Json.writeBytes(event)};
            defects.forEach(d -> bytes[0] = applyBytes(d, bytes[0]));
            return bytes[0];
        }

        // --- signing: exactly as each scheme's sender would -------------------------------------------

        void sign() {
            byte[] b = signedBody != null ? signedBody : (bodyText != null ? bodyText.getBytes(StandardCharsets.UTF_8) : body);
            String key = signingKey;
            switch (scheme) {
                case HMAC -> {
                    headers.put("x-signature", "sha256=" + hex(mac("HmacSHA256", utf8(key), b)));
                    headers.put("x-delivery", deliveryId);
                }
                case HMAC_TIMESTAMPED -> {
                    headers.put("x-timestamp", timestamp);
                    headers.put("x-signature", b64(mac("HmacSHA512", utf8(key), utf8(timestamp + "."), b)));
                    headers.put("x-delivery", deliveryId);
                }
                case HMAC_HEADER_PART -> {
                    headers.put("x-event", "contact.updated");
                    headers.put("x-hook-sig", hex(mac("HmacSHA1", utf8(key), utf8("contact.updated:"), b)));
                    headers.put("x-delivery", deliveryId);
                }
                case STANDARD_WEBHOOKS -> {
                    byte[] k = Base64.getDecoder().decode(key.startsWith("whsec_") ? key.substring(6) : key);
                    headers.put("webhook-id", deliveryId);
                    headers.put("webhook-timestamp", timestamp);
                    headers.put("webhook-signature", "v1," + b64(mac("HmacSHA256", k, utf8(deliveryId + "." + timestamp + "."), b)));
                }
                case GITHUB -> {
                    headers.put("x-hub-signature-256", "sha256=" + hex(mac("HmacSHA256", utf8(key), b)));
                    headers.put("x-github-delivery", deliveryId);
                }
                case STRIPE -> headers.put("stripe-signature", "t=" + timestamp + ",v1=" + hex(mac("HmacSHA256", utf8(key), utf8(timestamp + "."), b)));
            }
        }

        String signatureHeader() {
            return switch (scheme) {
                case HMAC, HMAC_TIMESTAMPED -> "x-signature";
                case HMAC_HEADER_PART -> "x-hook-sig";
                case STANDARD_WEBHOOKS -> "webhook-signature";
                case GITHUB -> "x-hub-signature-256";
                case STRIPE -> "stripe-signature";
            };
        }

        String deliveryHeader() {
            return switch (scheme) {
                case STANDARD_WEBHOOKS -> "webhook-id";
                case GITHUB -> "x-github-delivery";
                case STRIPE -> null; // the event's id, in the body
                default -> "x-delivery";
            };
        }

        // --- the defects ----------------------------------------------------------------------------------

        void apply(Defect d, Phase phase) {
            String json = new String(body, StandardCharsets.UTF_8);
            switch (phase) {
                case BODY -> {
                    switch (d) {
                        case TRUNCATED_JSON -> body = Arrays.copyOf(body, random.nextInt(body.length));
                        case TWO_DOCUMENTS -> body = utf8(json + pick(" ", "", "\n") + pick(json, "{}", "[]", "1", "null"));
                        case TRAILING_GARBAGE -> body = utf8(json + pick("x", "garbage", "}", "]", "\u0000", "\"", "1", "true", "/*", "ÿ"));
                        case TRAILING_COMMA -> body = utf8(random.nextBoolean() ? json + "," : json.replace("]}", "],}"));
                        case DUPLICATE_KEY -> body = utf8(random.nextBoolean() ? json.replace("{\"id\":", "{\"id\":\"first\",\"id\":")
                                : json.replace("\"amount\":12.50", "\"amount\":12.50,\"amount\":1250"));
                        case NOT_JSON_SYNTAX -> body = utf8(pick(json.replace('"', '\''), json.replace(",\"amount\"", "/*c*/,\"amount\""),
                                json.replace("12.50", "NaN"), json.replace("12.50", "012"), json.replace("12.50", "+1"),
                                json.replace("12.50", ".5"), json.replace("12.50", "0x10"), json.replace("Zoë Ada", "Zoë\nAda"),
                                json.replace("Zoë Ada", "Zoë\tAda"), json.replace("Zoë", "Zo\\x"), json.replace("{\"id\"", "{id"),
                                json.replace(":", "="), json.replace("Ada", "Ada\\ud8"), "<html>ok</html>", "id=r-1&name=x"));
                        case INVALID_UTF8 -> body = splice(body, json.contains("Ada") ? utf8(json.substring(0, json.indexOf("Ada"))).length
                                : Math.min(1, body.length), INVALID_UTF8[random.nextInt(INVALID_UTF8.length)]);
                        case BYTE_ORDER_MARK -> body = splice(body, 0, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
                        case LONE_SURROGATE_TEXT -> {
                            bodyText = json.replace("Ada", pick("\uD800", "\uDFFF", "A\uDBFFda", "\uDC00\uD800"));
                            if (!bodyText.contains("\uD800") && !bodyText.contains("\uDFFF") && !bodyText.contains("\uDBFF")) {
                                bodyText = bodyText + "\uD800"; // the body had no "Ada" left to replace
                            }
                            base64 = false;
                        }
                        case NOT_AN_OBJECT -> body = utf8(pick("[]", "[" + json + "]", "\"text\"", "42", "null", "true", "12.50", "\"\""));
                        case EMPTY_BODY -> body = new byte[0];
                        case DEEP_NESTING -> body = utf8(json.replace("\"tags\":", "\"deep\":" + "[".repeat(5000) + "]".repeat(5000) + ",\"tags\":"));
                        case LONG_NUMBER -> body = utf8(json.replace("12.50", "9".repeat(1001 + random.nextInt(2000))));
                        case NEGATIVE_LONG_NUMBER -> body = utf8(json.replace("12.50", "-" + "9".repeat(1001 + random.nextInt(2000))));
                        case LONG_FRACTION -> body = utf8(json.replace("12.50", "0." + "1".repeat(1001 + random.nextInt(2000))
                                + pick("", "e5", "E-400")));
                        case DEEP_OBJECT -> {
                            int depth = 1001 + random.nextInt(4000);
                            body = utf8(json.replace("\"tags\":", "\"deep\":" + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + ",\"tags\":"));
                        }
                        case CRLF_DELIVERY_ID -> {
                            String bad = pick("d-1\r\nX-Injected: 1", "d-1\r", "\r\nd-1", "d-1\n\n{}", "d\r\n\r\nbody");
                            if (scheme == Scheme.STRIPE) {
                                body = utf8(replaceId(json, "\"id\":" + Json.write(JsonNodeFactory.instance.textNode(bad))));
                            } else {
                                deliveryId = bad;
                            }
                        }
                        case NO_RECORD_ID -> body = utf8(replaceId(json, pick("\"id\":null", "\"id\":{}",
                                "\"id\":[]", "\"id\":\"\"", "\"id\":\"   \"", "\"ident\":\"r\"")));
                        case BAD_RECORD_ID -> body = utf8(replaceId(json, pick("\"id\":\"" + "r".repeat(513 + random.nextInt(2000)) + "\"",
                                "\"id\":\"r\\u0001\"", "\"id\":\"r\\n1\"", "\"id\":\"\\ud800\"", "\"id\":\"r\\udfff1\"")));
                        case TOO_LARGE -> body = utf8(json.replace("\"Zoë Ada\"", "\"" + "z".repeat(300 * 1024) + "\""));
                        case SIGNED_OTHER_BODY -> signedBody = utf8(json.replace("Ada", "Bob"));
                        case WRONG_KEY -> signingKey = scheme == Scheme.STANDARD_WEBHOOKS
                                ? "whsec_" + Base64.getEncoder().encodeToString(utf8("another key")) : "another key";
                        case HOSTILE_TIMESTAMP -> timestamp = random.nextInt(4) == 0 ? randomDigits() : pick(HOSTILE_TIMESTAMPS);
                        case STALE_TIMESTAMP -> timestamp = Long.toString(NOW.getEpochSecond()
                                + (random.nextBoolean() ? 1 : -1) * (301 + (long) random.nextInt(Integer.MAX_VALUE)));
                        case MISSING_DELIVERY_ID -> {
                            if (scheme == Scheme.STRIPE) {
                                body = utf8(replaceId(json, "\"name0\":0"));
                            }
                        }
                        case BAD_DELIVERY_ID -> {
                            String bad = pick("d".repeat(257 + random.nextInt(3000)), "d-\u0001", "d\n1", "d-\u007F", "", "   ", "\t");
                            if (scheme == Scheme.STRIPE) {
                                body = utf8(replaceId(json, "\"id\":" + Json.write(JsonNodeFactory.instance.textNode(
                                        bad.isBlank() ? "r" + "\u0002" : bad))));
                            } else {
                                deliveryId = bad;
                            }
                        }
                        default -> {
                        }
                    }
                }
                case HEADERS -> {
                    switch (d) {
                        case WRONG_SIGNATURE -> headers.put(signatureHeader(), pick(
                                "sha256=" + HexFormat.of().formatHex(randomBytes(32)), Base64.getEncoder().encodeToString(randomBytes(64)),
                                "v1," + Base64.getEncoder().encodeToString(randomBytes(32)),
                                "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(randomBytes(32)),
                                "", "sha256=", "v1,", "t=,v1=", "v2," + Base64.getEncoder().encodeToString(randomBytes(32)), "sha1=abc", "zz", "%%%",
                                "t=" + timestamp + ",t=" + timestamp + ",v1=00", "v1=" + HexFormat.of().formatHex(randomBytes(32))));
                        case MISSING_SIGNATURE -> {
                            String name = pick(signatureHeader(), signatureHeader(),
                                    scheme == Scheme.HMAC_TIMESTAMPED ? "x-timestamp" : signatureHeader(),
                                    scheme == Scheme.STANDARD_WEBHOOKS ? pick("webhook-id", "webhook-timestamp") : signatureHeader(),
                                    scheme == Scheme.HMAC_HEADER_PART ? "x-event" : signatureHeader());
                            headers.properties().removeIf(h -> h.getKey().equalsIgnoreCase(name)); // in any case
                        }
                        case CRLF_SIGNATURE -> {
                            String valid = headers.path(signatureHeader()).asText("");
                            int at = valid.isEmpty() ? 0 : random.nextInt(valid.length() + 1);
                            headers.put(signatureHeader(), valid.substring(0, at) + pick("\r\n", "\r", "\n", "\r\nX-Injected: 1\r\n",
                                    "\r\n " + valid) + valid.substring(at));
                        }
                        case REPEATED_SIGNATURE -> headers.put(signatureHeader(), repeatedSignature(headers.path(signatureHeader()).asText("")));
                        case HUGE_SIGNATURE -> headers.put(signatureHeader(), headers.path(signatureHeader()).asText("")
                                + "f".repeat(1000 + random.nextInt(30_000)));
                        case MISSING_DELIVERY_ID -> {
                            if (deliveryHeader() != null) {
                                headers.remove(deliveryHeader());
                            }
                        }
                        case DUPLICATE_HEADER -> {
                            String name = pick(signatureHeader(), "content-type", "user-agent");
                            headers.put(upperFirst(name), pick(headers.path(name).asText("x"), "other"));
                        }
                        case NULL_HEADER -> headers.putNull(pick(signatureHeader(), "x-anything", "content-type"));
                        case NON_TEXT_HEADER -> headers.set(pick(signatureHeader(), "x-anything"), Json.MAPPER.valueToTree(
                                pick(List.of(1), Map.of("a", 1), 42, true, 12.5)));
                        case HUGE_HEADER -> headers.put(pick("x-huge", signatureHeader()), "h".repeat(16 * 1024 + 1 + random.nextInt(100_000)));
                        case TOO_MANY_HEADERS -> {
                            for (int n = 0; n <= 200; n++) {
                                headers.put("x-many-" + n, "v");
                            }
                        }
                        default -> {
                        }
                    }
                }
                case EVENT -> {
                    // an earlier defect may have removed these; then that one already breaks the request
                    ObjectNode http = event.path("requestContext").path("http") instanceof ObjectNode h ? h : JsonNodeFactory.instance.objectNode();
                    switch (d) {
                        case METHOD -> http.put("method", random.nextInt(5) == 0 ? noise() + "X" : pick(METHODS));
                        case ROUTE -> {
                            switch (random.nextInt(4)) {
                                case 0 -> event.putObject("pathParameters").put("integration", pick("unknown", "", "HOOK-HMAC",
                                        scheme.integration + " ", "../" + scheme.integration, noise()));
                                case 1 -> {
                                    event.remove("pathParameters");
                                    event.put("rawPath", pick("/", "", "/webhooks", "/webhooks/", "/webhooks/a/b", "/hooks/" + scheme.integration,
                                            "/webhooks/unknown-" + random.nextInt(100), "/WEBHOOKS/" + scheme.integration, "/zz" + noise()));
                                }
                                case 2 -> {
                                    event.remove("pathParameters");
                                    event.remove("rawPath");
                                    http.remove("path");
                                }
                                default -> {
                                    event.remove("pathParameters");
                                    event.putNull("rawPath");
                                    http.put("path", "/" + noise());
                                }
                            }
                        }
                        case REQUEST_CONTEXT -> {
                            switch (random.nextInt(6)) {
                                case 0 -> event.remove("requestContext");
                                case 1 -> event.putNull("requestContext");
                                case 2 -> event.put("requestContext", "ctx");
                                case 3 -> {
                                    if (event.get("requestContext") instanceof ObjectNode c) {
                                        c.remove("http");
                                    } else {
                                        event.putNull("requestContext");
                                    }
                                }
                                case 4 -> http.remove("method");
                                default -> http.put("method", 7);
                            }
                        }
                        case ODD_INTEGRATION_NAME -> {
                            String name = pick(ODD_NAMES).replace("{i}", scheme.integration);
                            event.putObject("pathParameters").put("integration", name);
                            event.put("rawPath", "/webhooks/" + name);
                            http.put("path", "/webhooks/" + name);
                        }
                        case BODY_TYPE -> event.set("body", Json.MAPPER.valueToTree(pick(List.of("x"), Map.of("id", "r"), 42, true)));
                        case BASE64_FLAG -> {
                            switch (random.nextInt(4)) {
                                case 0 -> event.put("isBase64Encoded", pick("true", "false", "yes", ""));
                                case 1 -> event.put("isBase64Encoded", random.nextInt(3));
                                case 2 -> {
                                    // the flag says the opposite of what the body is
                                    event.put("isBase64Encoded", !base64);
                                    if (!base64 && new String(body, StandardCharsets.UTF_8).matches("[A-Za-z0-9+/=]*")) {
                                        event.put("body", event.get("body").asText() + "!"); // text that happens to be base64
                                    }
                                }
                                default -> {
                                    String text = Base64.getEncoder().encodeToString(body);
                                    event.put("isBase64Encoded", true);
                                    event.put("body", text.length() > 4 ? text.substring(0, 4) + pick("\n", " ", "-", "_", "*", "====") + text.substring(4)
                                            : text + "*");
                                }
                            }
                        }
                        case NULL_FIELD -> {
                            String field = pick("requestContext", "headers", "body", base64 ? "isBase64Encoded" : "body");
                            event.putNull(field);
                        }
                        default -> {
                        }
                    }
                }
                default -> {
                }
            }
        }

        byte[] applyBytes(Defect d, byte[] bytes) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            return switch (d) {
                case EVENT_NOT_OBJECT -> utf8(pick("null", "[]", "[" + text + "]", "\"event\"", "42", "true", "{}", "", " "));
                case EVENT_TRUNCATED -> Arrays.copyOf(bytes, random.nextInt(bytes.length));
                case EVENT_TRAILING -> utf8(text + pick("x", "{}", text, ",", "]", "\u0000", "null"));
                case EVENT_INVALID_UTF8 -> {
                    int at = 1; // just inside the object, if no string below is left
                    for (String marker : random.nextBoolean() ? new String[] {"\"requestId\":\"", "\"version\":\""}
                            : new String[] {"\"user-agent\":\"", "\"version\":\""}) {
                        int i = text.indexOf(marker);
                        if (i >= 0) {
                            at = utf8(text.substring(0, i + marker.length())).length; // inside that string
                            break;
                        }
                    }
                    yield splice(bytes, at, INVALID_UTF8[random.nextInt(INVALID_UTF8.length)]);
                }
                case EVENT_DUPLICATE_KEY -> utf8(random.nextBoolean() ? "{\"body\":\"{}\"," + text.substring(1)
                        : text.replace("\"headers\":{", "\"headers\":{\"" + signatureHeader() + "\":\"x\","));
                default -> bytes;
            };
        }

        // --- helpers ----------------------------------------------------------------------------------------

        @SafeVarargs
        final <T> T pick(T... options) {
            return options[random.nextInt(options.length)];
        }

        /**
         * The signature header as a sender that repeated it would send it (API Gateway joins repeated headers with a comma):
         * for schemes that take one signature, the valid one beside a wrong one; for schemes whose header is a list
         * (standard-webhooks, stripe), only wrong ones — a list with one valid entry is valid.
         */
        String repeatedSignature(String valid) {
            String wrongHex = HexFormat.of().formatHex(randomBytes(32));
            return switch (scheme) {
                case STANDARD_WEBHOOKS -> "v1," + b64(randomBytes(32)) + pick(" ", ",", ", ") + "v1," + b64(randomBytes(32));
                case STRIPE -> "t=" + timestamp + ",v1=" + wrongHex + ",v1=" + HexFormat.of().formatHex(randomBytes(32))
                        + pick("", ",t=" + timestamp + ",v1=" + wrongHex);
                default -> {
                    String wrong = valid.startsWith("sha256=") ? "sha256=" + wrongHex : b64(randomBytes(valid.length() * 3 / 4 + 1));
                    yield random.nextBoolean() ? valid + pick(",", ", ", " ") + wrong : wrong + pick(",", ", ", " ") + valid;
                }
            };
        }

        String noise() {
            StringBuilder out = new StringBuilder();
            for (int n = random.nextInt(20); n >= 0; n--) {
                out.appendCodePoint(NOISE[random.nextInt(NOISE.length)]);
            }
            return out.toString();
        }

        String randomDigits() {
            StringBuilder out = new StringBuilder(random.nextBoolean() ? "-" : "");
            for (int n = 19 + random.nextInt(40); n > 0; n--) {
                out.append((char) ('0' + random.nextInt(10)));
            }
            return out.toString();
        }

        byte[] randomBytes(int n) {
            byte[] out = new byte[n];
            random.nextBytes(out);
            return out;
        }
    }

    /** The body with its "id":"r-N" member replaced by {@code member} (taken literally); unchanged when it has none. */
    static String replaceId(String json, String member) {
        return json.replaceFirst("\"id\":\"r-[0-9]+\"", java.util.regex.Matcher.quoteReplacement(member));
    }

    static String upperFirst(String name) {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    static byte[] splice(byte[] into, int at, byte[] insert) {
        byte[] out = new byte[into.length + insert.length];
        System.arraycopy(into, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(into, at, out, at + insert.length, into.length - at);
        return out;
    }

    static boolean validUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] mac(String algorithm, byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }
}
