package dev.ferry.local;

import dev.ferry.shared.auth.WebhookVerifier;
import dev.ferry.shared.config.ConfigurationException;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.auth.OutboundAuth;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.secrets.SecretsProvider;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.Options;
import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.FakeApi;
import dev.ferry.testing.FakeApi.Reply;
import dev.ferry.testing.FakeApi.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Outbound credentials and secret rotation with real parts: secrets in moto's Secrets Manager (with
 * version stages), a real local OAuth2 token endpoint and real APIs ({@link FakeApi}), and Ferry's real
 * {@link OutboundAuth} and {@link SecretsProvider}. Time moves by a test clock, never by sleeping.
 */
class OutboundCredentialsTest {

    static AwsEmulators aws;
    static FakeApi idp;
    static FakeApi api;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    final HttpCaller http = new HttpCaller(Duration.ofSeconds(5));
    SecretsProvider secrets;
    OutboundAuth auth;
    String secretName;

    @BeforeAll
    static void start() {
        aws = AwsEmulators.start();
        idp = FakeApi.start();
        api = FakeApi.start();
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
        if (idp != null) idp.close();
        if (aws != null) aws.close();
    }

    @BeforeEach
    void fresh() {
        idp.reset();
        api.reset();
        secrets = new SecretsProvider(aws.secretsManager(), Duration.ofSeconds(60), clock);
        auth = new OutboundAuth(secrets, http, clock);
        secretName = "ferry/test/" + UUID.randomUUID();
    }

    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    IntegrationSpec.Auth oauth(String type, List<String> scopes) {
        return new IntegrationSpec.Auth(
                Options.AuthType.valueOf(type.toUpperCase(java.util.Locale.ROOT).replace('-', '_')), secretName, null, null, null,
                idp.baseUrl() + "/oauth/token", scopes,
                null, null, null, null, null, null, null);
    }

    HttpCaller.Response get(IntegrationSpec.Auth a) {
        return auth.send(http, a, "GET", api.baseUrl() + "/v1/things", Map.of("Accept", "application/json"), null);
    }

    static Map<String, String> form(RecordedRequest r) {
        return Arrays.stream(r.bodyText().split("&")).map(kv -> kv.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> URLDecoder.decode(kv[1], StandardCharsets.UTF_8)));
    }

    static Reply token(String accessToken, long expiresIn, String scope) {
        return Reply.json(200, "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn
                + (scope == null ? "" : ",\"scope\":\"" + scope + "\"") + "}");
    }

    /** The API accepts exactly the bearer tokens in {@code valid}. */
    static void apiAccepts(List<String> valid) {
        api.on("GET", "/v1/things", r -> valid.contains(r.header("Authorization"))
                ? Reply.json(200, "{\"ok\":true}") : Reply.json(401, "{\"error\":\"invalid_token\"}"));
    }

    // --- OAuth2 client credentials ------------------------------------------------------------------

    @Test
    void clientCredentialsTokenIsCachedUntilExpiresInMinusSkewThenRenewed() {
        aws.putSecret(secretName, "{\"clientId\":\"ferry-client\",\"clientSecret\":\"cs-0f3a\"}");
        AtomicInteger issued = new AtomicInteger();
        idp.on("POST", "/oauth/token", r -> token("at-" + issued.incrementAndGet(), 600, "contacts.read contacts.write"));
        apiAccepts(List.of("Bearer at-1", "Bearer at-2"));
        var a = oauth("oauth2-client-credentials", List.of("contacts.read", "contacts.write"));

        get(a);
        get(a);
        clock.advance(Duration.ofSeconds(539));
        get(a);
        assertThat(idp.requests()).hasSize(1);
        RecordedRequest tokenRequest = idp.requests().getFirst();
        assertThat(tokenRequest.header("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("ferry-client:cs-0f3a".getBytes(StandardCharsets.UTF_8)));
        assertThat(tokenRequest.header("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(form(tokenRequest)).containsExactlyInAnyOrderEntriesOf(Map.of("grant_type", "client_credentials",
                "scope", "contacts.read contacts.write"));

        clock.advance(Duration.ofSeconds(2)); // past expires_in - 60 s
        get(a);
        assertThat(idp.requests()).hasSize(2);
        assertThat(api.requests().getLast().header("Authorization")).isEqualTo("Bearer at-2");
    }

    @Test
    void concurrentCallersShareOneRefreshInFlight() throws Exception {
        aws.putSecret(secretName, "{\"clientId\":\"ferry-client\",\"clientSecret\":\"cs-0f3a\"}");
        AtomicInteger issued = new AtomicInteger();
        idp.on("POST", "/oauth/token", r -> token("at-" + issued.incrementAndGet(), 3600, null).delay(Duration.ofMillis(300)));
        apiAccepts(List.of("Bearer at-1"));
        var a = oauth("oauth2-client-credentials", List.of("contacts.read"));

        int callers = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<HttpCaller.Response>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return get(a);
                }));
            }
            go.countDown();
            for (Future<HttpCaller.Response> f : results) {
                assertThat(f.get().status()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(idp.requests()).hasSize(1);
        assertThat(api.requests()).hasSize(callers);
    }

    @Test
    void a401DropsTheTokenAndRetriesOnceWithANewOneWithinTheSameCall() {
        aws.putSecret(secretName, "{\"clientId\":\"ferry-client\",\"clientSecret\":\"cs-0f3a\"}");
        AtomicInteger issued = new AtomicInteger();
        idp.on("POST", "/oauth/token", r -> token("at-" + issued.incrementAndGet(), 3600, "contacts.read"));
        apiAccepts(List.of("Bearer at-1"));
        var a = oauth("oauth2-client-credentials", List.of("contacts.read"));
        get(a);
        apiAccepts(List.of("Bearer at-2")); // the provider revoked at-1 early

        assertThat(get(a).status()).isEqualTo(200);
        assertThat(idp.requests()).hasSize(2);
        assertThat(api.requests()).extracting(r -> r.header("Authorization"))
                .containsExactly("Bearer at-1", "Bearer at-1", "Bearer at-2");
    }

    @Test
    void aPersistent401IsRetriedExactlyOnceThenFailsWithoutTheToken() {
        aws.putSecret(secretName, "{\"clientId\":\"ferry-client\",\"clientSecret\":\"cs-0f3a\"}");
        idp.on("POST", "/oauth/token", r -> token("at-never-accepted", 3600, "contacts.read"));
        apiAccepts(List.of());
        var a = oauth("oauth2-client-credentials", List.of("contacts.read"));

        StepFailure f = catchThrowableOfType(StepFailure.class, () -> get(a));
        assertThat(f.httpStatus()).isEqualTo(401);
        assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(api.requests()).hasSize(2);
        assertThat(f.getMessage()).doesNotContain("at-never-accepted").doesNotContain("cs-0f3a");
    }

    @Test
    void aTokenWithFewerScopesThanAskedIsRefusedNamingTheMissingOnes() {
        aws.putSecret(secretName, "{\"clientId\":\"ferry-client\",\"clientSecret\":\"cs-0f3a\"}");
        idp.on("POST", "/oauth/token", r -> token("at-narrow", 3600, "contacts.read"));
        apiAccepts(List.of("Bearer at-narrow"));

        StepFailure f = catchThrowableOfType(StepFailure.class,
                () -> get(oauth("oauth2-client-credentials", List.of("contacts.read", "contacts.write"))));
        assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(f.getMessage()).contains("missing [contacts.write]").doesNotContain("at-narrow");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void aTokenEndpointThatRefusesTheScopeFailsPermanentlyNamingTheSecretNotTheCredentials() {
        aws.putSecret(secretName, "{\"clientId\":\"ferry-client\",\"clientSecret\":\"cs-0f3a\"}");
        idp.on("POST", "/oauth/token", Reply.json(400, "{\"error\":\"invalid_scope\"}"));

        StepFailure f = catchThrowableOfType(StepFailure.class, () -> get(oauth("oauth2-client-credentials", List.of("admin"))));
        assertThat(f.kind()).isEqualTo(FailureKind.PERMANENT);
        assertThat(f.getMessage()).contains("getting an OAuth2 token (secret '" + secretName + "')").contains("answered 400")
                .doesNotContain("cs-0f3a");
        assertThat(f.detail()).contains("invalid_scope");
    }

    @Test
    void aMissingClientSecretIsAConfigurationErrorNamingTheSecret() {
        aws.putSecret(secretName, "{\"clientId\":\"ferry-client\"}");
        ConfigurationException e = catchThrowableOfType(ConfigurationException.class,
                () -> get(oauth("oauth2-client-credentials", List.of("a"))));
        assertThat(e.getMessage()).isEqualTo("secret '" + secretName + "' has no field 'clientSecret'");
        assertThat(idp.requests()).isEmpty();
    }

    // --- OAuth2 refresh-token grant -----------------------------------------------------------------

    @Test
    void aRotatedRefreshTokenIsWrittenBackToSecretsManager() throws Exception {
        aws.putSecret(secretName, "{\"clientId\":\"ferry-client\",\"clientSecret\":\"cs-0f3a\",\"refreshToken\":\"rt-1\"}");
        AtomicInteger issued = new AtomicInteger();
        idp.on("POST", "/oauth/token", r -> {
            int n = issued.incrementAndGet();
            return Reply.json(200, "{\"access_token\":\"at-" + n + "\",\"token_type\":\"bearer\",\"expires_in\":300,"
                    + "\"refresh_token\":\"rt-" + (n + 1) + "\"}");
        });
        apiAccepts(List.of("Bearer at-1", "Bearer at-2"));
        var a = oauth("oauth2-refresh-token", List.of("offline_access", "contacts.read"));

        get(a);
        assertThat(form(idp.requests().getFirst())).containsEntry("grant_type", "refresh_token").containsEntry("refresh_token", "rt-1");
        var stored = Json.MAPPER.readTree(aws.secretsManager().getSecretValue(r -> r.secretId(secretName)).secretString());
        var previous = Json.MAPPER.readTree(aws.secretsManager().getSecretValue(r -> r.secretId(secretName)
                .versionStage("AWSPREVIOUS")).secretString());
        assertThat(stored.get("refreshToken").asText()).isEqualTo("rt-2");
        assertThat(stored.get("clientId").asText()).isEqualTo("ferry-client");
        assertThat(previous.get("refreshToken").asText()).isEqualTo("rt-1");

        // A fresh process (cold start) uses the stored one.
        clock.advance(Duration.ofMinutes(10));
        OutboundAuth coldStart = new OutboundAuth(new SecretsProvider(aws.secretsManager(), Duration.ofSeconds(60), clock), http, clock);
        coldStart.send(http, a, "GET", api.baseUrl() + "/v1/things", Map.of(), null);
        assertThat(form(idp.requests().getLast())).containsEntry("refresh_token", "rt-2");
    }

    // --- static credentials and signing -------------------------------------------------------------

    @Test
    void apiKeyInTheQueryBasicAndBearerGoWhereTheSpecSays() {
        aws.putSecret(secretName, "{\"apiKey\":\"k&y=1\",\"username\":\"ferry\",\"password\":\"p@ss:word\",\"token\":\"t-1\"}");
        api.on("GET", "/v1/things", Reply.json(200, "{}"));

        auth.send(http, new IntegrationSpec.Auth(Options.AuthType.API_KEY, secretName, null, null, "api_key", null, null, null, null, null,
                null, null, null, "yearly"), "GET", api.baseUrl() + "/v1/things?page=2", Map.of(), null);
        auth.send(http, new IntegrationSpec.Auth(Options.AuthType.BASIC, secretName, null, null), "GET", api.baseUrl() + "/v1/things", Map.of(), null);
        auth.send(http, new IntegrationSpec.Auth(Options.AuthType.BEARER, secretName, null, null), "GET", api.baseUrl() + "/v1/things", Map.of(), null);

        List<RecordedRequest> seen = api.requests();
        assertThat(seen.get(0).queryParam("api_key")).contains("k&y=1");
        assertThat(seen.get(0).queryParam("page")).contains("2");
        assertThat(seen.get(0).header("X-Api-Key")).isNull();
        assertThat(seen.get(1).header("Authorization")).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString("ferry:p@ss:word".getBytes(StandardCharsets.UTF_8)));
        assertThat(seen.get(2).header("Authorization")).isEqualTo("Bearer t-1");
    }

    @Test
    void hmacSignedRequestsVerifyAtTheReceiverOverTheCanonicalString() throws Exception {
        aws.putSecret(secretName, "{\"key\":\"hmac-key-41\"}");
        String content = "{method}\n{path}\n{query}\n{timestamp}\n{body}";
        api.on("POST", "/v1/things", r -> {
            String canonical = r.method() + "\n" + r.path() + "\n" + r.query() + "\n" + r.header("X-Timestamp") + "\n" + r.bodyText();
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(new SecretKeySpec("hmac-key-41".getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
            String expected = "v1=" + Base64.getEncoder().encodeToString(mac.doFinal(canonical.getBytes(StandardCharsets.UTF_8)));
            return expected.equals(r.header("X-Ferry-Signature")) ? Reply.json(200, "{}") : Reply.json(401, "{}");
        });
        var a = new IntegrationSpec.Auth(Options.AuthType.HMAC, secretName, null, "X-Ferry-Signature", null, null, null,
                Options.HmacAlgorithm.SHA512, Options.HmacEncoding.BASE64,
                "v1=", content, null, null, "yearly");

        var response = auth.send(http, a, "POST", api.baseUrl() + "/v1/things?x=1", Map.of("Content-Type", "application/json"),
                "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).isEqualTo(200);
        assertThat(api.requests()).hasSize(1);
        assertThat(api.requests().getFirst().header("X-Timestamp")).isEqualTo(Long.toString(clock.instant().getEpochSecond()));
    }

    @Test
    void sigV4SignsWithTheSdkSignerAndCredentialsFromTheSecret() throws Exception {
        aws.putSecret(secretName, "{\"accessKeyId\":\"AKIDEXAMPLE\",\"secretAccessKey\":\"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\","
                + "\"sessionToken\":\"session-77\"}");
        api.on("POST", "/prod/orders", Reply.json(200, "{}"));
        var a = new IntegrationSpec.Auth(Options.AuthType.AWS_SIGV4, secretName, null, null, null, null, null, null, null, null, null,
                "eu-west-1", "execute-api", null);
        byte[] body = "{\"order\":7}".getBytes(StandardCharsets.UTF_8);

        auth.send(http, a, "POST", api.baseUrl() + "/prod/orders", Map.of("Content-Type", "application/json"), body);

        RecordedRequest r = api.requests().getFirst();
        assertThat(r.header("X-Amz-Date")).isEqualTo("20261123T120000Z");
        assertThat(r.header("X-Amz-Security-Token")).isEqualTo("session-77");
        String authorization = r.header("Authorization");
        assertThat(authorization).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261123/eu-west-1/execute-api/aws4_request, ");
        // Check the signature independently, by the published algorithm, over what actually arrived.
        String signedHeaders = authorization.replaceAll(".*SignedHeaders=([^,]+),.*", "$1");
        assertThat(signedHeaders.split(";")).contains("host", "x-amz-date", "content-type");
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String h : signedHeaders.split(";")) {
            canonicalHeaders.append(h).append(':').append(h.equals("host") ? "127.0.0.1:" + api.port() : r.header(h).trim()).append('\n');
        }
        String payloadHash = sha256Hex(body);
        String canonicalRequest = "POST\n/prod/orders\n\n" + canonicalHeaders + "\n" + signedHeaders + "\n" + payloadHash;
        String scope = "20261123/eu-west-1/execute-api/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n20261123T120000Z\n" + scope + "\n" + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
        byte[] k = hmac(("AWS4" + "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").getBytes(StandardCharsets.UTF_8), "20261123");
        k = hmac(hmac(hmac(k, "eu-west-1"), "execute-api"), "aws4_request");
        assertThat(authorization).endsWith("Signature=" + HexFormat.of().formatHex(hmac(k, toSign)));
    }

    static String sha256Hex(byte[] data) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
    }

    static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    // --- rotation in Secrets Manager ----------------------------------------------------------------

    @Test
    void aRotatedSecretIsUsedOnceTheTtlPassesAndAt401Immediately() {
        aws.putSecret(secretName, "{\"token\":\"v1\"}");
        var a = new IntegrationSpec.Auth(Options.AuthType.BEARER, secretName, null, null);
        apiAccepts(List.of("Bearer v1", "Bearer v2"));
        get(a);

        aws.putSecret(secretName, "{\"token\":\"v2\"}"); // rotation: the API accepts both during the overlap
        get(a);
        assertThat(api.requests().getLast().header("Authorization")).as("within the TTL, the cached version").isEqualTo("Bearer v1");
        clock.advance(Duration.ofSeconds(61));
        get(a);
        assertThat(api.requests().getLast().header("Authorization")).as("after the TTL, the new version").isEqualTo("Bearer v2");

        aws.putSecret(secretName, "{\"token\":\"v3\"}");
        apiAccepts(List.of("Bearer v3")); // the old one revoked at once
        int before = api.requests().size();
        assertThat(get(a).status()).isEqualTo(200);
        assertThat(api.requests().subList(before, api.requests().size())).extracting(r -> r.header("Authorization"))
                .containsExactly("Bearer v2", "Bearer v3");
    }

    @Test
    void duringRotationTheCurrentAndPreviousSigningKeysBothVerifyInbound() {
        aws.putSecret(secretName, "{\"key\":\"k1\"}");
        aws.putSecret(secretName, "{\"key\":\"k2\"}");
        WebhookVerifier verifier = new WebhookVerifier(clock);
        var hook = new IntegrationSpec.Webhook(Options.WebhookMode.FULL, null,
                new IntegrationSpec.Signature(Options.SignatureScheme.GITHUB, null, null, secretName, null, null, null, null, null, null));
        byte[] body = "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(secrets.currentAndPrevious(secretName, "key")).containsExactly("k2", "k1");
        for (String key : List.of("k1", "k2")) {
            assertThat(verifier.verify(hook, h -> h.equalsIgnoreCase("X-Hub-Signature-256") ? github(key, body) : null, body,
                    secrets.currentAndPrevious(secretName, "key"))).as(key).isInstanceOf(WebhookVerifier.Verified.class);
        }

        aws.putSecret(secretName, "{\"key\":\"k3\"}"); // the overlap ends: k1 is no longer a version stage
        clock.advance(Duration.ofSeconds(61));
        assertThat(secrets.currentAndPrevious(secretName, "key")).containsExactly("k3", "k2");
        assertThat(verifier.verify(hook, h -> h.equalsIgnoreCase("X-Hub-Signature-256") ? github("k1", body) : null, body,
                secrets.currentAndPrevious(secretName, "key"))).isInstanceOf(WebhookVerifier.Rejected.class);
    }

    @Test
    void aSecretWithoutAPreviousVersionYieldsOnlyTheCurrentKey() {
        aws.putSecret(secretName, "{\"key\":\"only\"}");
        assertThat(secrets.currentAndPrevious(secretName, "key")).containsExactly("only");
    }

    @Test
    void aMissingSecretOrFieldNamesTheSecretNeverTheValue() {
        ConfigurationException missing = catchThrowableOfType(ConfigurationException.class,
                () -> secrets.field("ferry/test/absent-" + UUID.randomUUID(), "token"));
        assertThat(missing.getMessage()).startsWith("secret 'ferry/test/absent-").endsWith("' does not exist in Secrets Manager");
        aws.putSecret(secretName, "{\"token\":\"value-that-must-not-leak\"}");
        ConfigurationException field = catchThrowableOfType(ConfigurationException.class, () -> secrets.field(secretName, "apiKey"));
        assertThat(field.getMessage()).isEqualTo("secret '" + secretName + "' has no field 'apiKey'");
    }

    static String github(String key, byte[] body) {
        try {
            return "sha256=" + HexFormat.of().formatHex(hmac(key.getBytes(StandardCharsets.UTF_8), new String(body, StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
