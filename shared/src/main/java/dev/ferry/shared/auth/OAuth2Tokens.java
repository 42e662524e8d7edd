package dev.ferry.shared.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.secrets.SecretsProvider;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.Options;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * OAuth 2.0 access tokens (RFC 6749) for {@code oauth2-client-credentials} and {@code oauth2-refresh-token}.
 * The token is cached until {@code expires_in} minus a skew; one refresh is in flight at a time (callers
 * that arrive meanwhile wait for it and reuse its token); a 401 drops the token so the retry gets a new
 * one. The client authenticates with HTTP Basic (client_secret_basic). With the refresh-token grant, a
 * rotated refresh token in the answer is written back to the secret with PutSecretValue, so the next
 * cold start does not use a revoked one. Scopes are required, and a token granted fewer scopes than
 * asked is refused. The answer must be one strict JSON object (see {@link Json#parseStrict}); a 2xx that is
 * not is a permanent failure whose reason never quotes the body (it may hold a token). {@code expires_in} is
 * read exactly and capped at {@link #MAX_LIFETIME}.
 */
final class OAuth2Tokens implements AuthStrategy {

    private static final Logger LOG = Logger.getLogger(OAuth2Tokens.class);
    static final Duration SKEW = Duration.ofSeconds(60);
    static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
    /** A longer {@code expires_in} is taken as this: a token is asked for again at least daily (and no date overflows). */
    static final Duration MAX_LIFETIME = Duration.ofHours(24);

    private final SecretsProvider secrets;
    private final IntegrationSpec.Auth auth;
    private final HttpCaller http;
    private final Clock clock;
    private final boolean refreshGrant;

    // Guarded by this: the current token and when to stop using it.
    private String token;
    private Instant renewAt = Instant.MIN;

    OAuth2Tokens(SecretsProvider secrets, IntegrationSpec.Auth auth, HttpCaller http, Clock clock) {
        this.secrets = secrets;
        this.auth = auth;
        this.http = http;
        this.clock = clock;
        this.refreshGrant = auth.type() == Options.AuthType.OAUTH2_REFRESH_TOKEN;
    }

    @Override
    public void apply(OutboundRequest request) {
        request.headers().put("Authorization", "Bearer " + token());
    }

    /** The cached token, or a new one; synchronized so only one refresh is in flight. */
    synchronized String token() {
        if (token != null && clock.instant().isBefore(renewAt)) {
            return token;
        }
        Instant asked = clock.instant();
        JsonNode answer = requestToken();
        JsonNode accessToken = answer.get("access_token");
        if (accessToken == null || !accessToken.isTextual() || accessToken.asText().isEmpty()) {
            throw StepFailure.permanent("token endpoint " + HttpCaller.redactQuery(auth.tokenUrl()) + " answered without an access_token");
        }
        JsonNode type = answer.get("token_type");
        if (type != null && !type.asText().equalsIgnoreCase("bearer")) {
            throw StepFailure.permanent("token endpoint " + HttpCaller.redactQuery(auth.tokenUrl()) + " issued a '"
                    + type.asText() + "' token; Ferry sends bearer tokens only");
        }
        checkScopes(answer.get("scope"));
        Duration lifetime = lifetime(answer.get("expires_in"));
        Duration usable = lifetime.compareTo(SKEW.multipliedBy(2)) > 0 ? lifetime.minus(SKEW) : lifetime.dividedBy(2);
        token = accessToken.asText();
        renewAt = asked.plus(usable);
        if (refreshGrant) {
            keepRotatedRefreshToken(answer.get("refresh_token"));
        }
        return token;
    }

    private JsonNode requestToken() {
        Map<String, String> form = new LinkedHashMap<>();
        JsonNode secret = secrets.secret(auth.secret());
        String clientId = secrets.field(auth.secret(), "clientId");
        JsonNode clientSecret = secret.get("clientSecret");
        if (refreshGrant) {
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", secrets.field(auth.secret(), "refreshToken"));
        } else {
            secrets.field(auth.secret(), "clientSecret"); // required: a clear error naming the secret
            form.put("grant_type", "client_credentials");
        }
        form.put("scope", String.join(" ", auth.scopes()));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        headers.put("Accept", "application/json");
        if (clientSecret != null && clientSecret.isTextual() && !clientSecret.asText().isEmpty()) {
            headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (urlEncode(clientId) + ":" + urlEncode(clientSecret.asText())).getBytes(StandardCharsets.UTF_8)));
        } else {
            form.put("client_id", clientId); // a public client
        }
        String body = form.entrySet().stream().map(e -> urlEncode(e.getKey()) + "=" + urlEncode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpCaller.Response response;
        try {
            response = http.send("POST", auth.tokenUrl(), headers, body.getBytes(StandardCharsets.UTF_8));
        } catch (StepFailure f) {
            if (f.httpStatus() != null && (f.httpStatus() == 400 || f.httpStatus() == 401)) {
                secrets.invalidate(auth.secret()); // rotated client secret or refresh token: read afresh next time
            }
            throw new StepFailure(f.kind(), "getting an OAuth2 token (secret '" + auth.secret() + "'): " + f.getMessage(),
                    null, f.detail());
        }
        JsonNode answer;
        try {
            answer = Json.parseStrict(response.bytes());
        } catch (Json.MalformedJsonException e) {
            throw tokenAnswerFailure(response.status(), "a body that is not JSON (" + withoutQuotes(e.getMessage()) + ")");
        }
        if (!answer.isObject()) {
            throw tokenAnswerFailure(response.status(), "a body that is not a JSON object");
        }
        return answer;
    }

    /** A 2xx answer that is not a token: permanent (asking again gets the same), no excerpt (it may hold a token). */
    private StepFailure tokenAnswerFailure(int status, String problem) {
        return new StepFailure(FailureKind.PERMANENT, "token endpoint " + HttpCaller.redactQuery(auth.tokenUrl()) + " (secret '"
                + auth.secret() + "') answered " + status + " with " + problem, status, null);
    }

    /** The parser's reason with any quoted token left out: a token endpoint's body may hold a credential. */
    static String withoutQuotes(String reason) {
        return reason.replaceAll("'[^']*'", "'…'").replaceAll("\"[^\"]*\"", "\"…\"");
    }

    /**
     * {@code expires_in} (RFC 6749 5.1: seconds) as a lifetime: a positive number (or digits in a string, as some
     * servers send), whole seconds, at most {@link #MAX_LIFETIME}; absent, zero, negative or unreadable is
     * {@link #DEFAULT_LIFETIME}.
     */
    static Duration lifetime(JsonNode expiresIn) {
        BigDecimal seconds;
        if (expiresIn != null && expiresIn.isNumber()) {
            seconds = expiresIn.decimalValue();
        } else if (expiresIn != null && expiresIn.isTextual() && expiresIn.asText().matches("[0-9]{1,30}")) {
            seconds = new BigDecimal(expiresIn.asText());
        } else {
            return DEFAULT_LIFETIME;
        }
        if (seconds.compareTo(BigDecimal.ONE) < 0) {
            return DEFAULT_LIFETIME;
        }
        if (seconds.compareTo(BigDecimal.valueOf(MAX_LIFETIME.toSeconds())) >= 0) {
            return MAX_LIFETIME;
        }
        return Duration.ofSeconds(seconds.longValue());
    }

    private void checkScopes(JsonNode granted) {
        if (granted == null || !granted.isTextual()) {
            return; // RFC 6749 5.1: omitted means the scopes asked for
        }
        Set<String> got = Set.copyOf(Arrays.asList(granted.asText().trim().split("\\s+")));
        List<String> missing = auth.scopes().stream().filter(s -> !got.contains(s)).toList();
        if (!missing.isEmpty()) {
            throw StepFailure.permanent("token endpoint " + HttpCaller.redactQuery(auth.tokenUrl()) + " granted scopes "
                    + got.stream().sorted().toList() + " but the spec asks for " + auth.scopes() + " (missing " + missing
                    + "): grant the client these scopes, or ask for fewer in the spec");
        }
    }

    private void keepRotatedRefreshToken(JsonNode rotated) {
        if (rotated == null || !rotated.isTextual() || rotated.asText().isEmpty()) {
            return;
        }
        JsonNode current = secrets.secret(auth.secret());
        if (rotated.asText().equals(current.path("refreshToken").asText())) {
            return;
        }
        ObjectNode updated = ((ObjectNode) current).deepCopy();
        updated.put("refreshToken", rotated.asText());
        try {
            secrets.put(auth.secret(), updated);
            LOG.infof("oauth2: the token endpoint rotated the refresh token; stored the new one in secret '%s'", auth.secret());
        } catch (RuntimeException e) {
            LOG.errorf("oauth2: the token endpoint rotated the refresh token but secret '%s' could not be updated (%s);"
                    + " the next cold start will use the old one", auth.secret(), e.getMessage());
        }
    }

    private static String urlEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void rejected() {
        token = null;
        renewAt = Instant.MIN;
        secrets.invalidate(auth.secret());
    }
}
