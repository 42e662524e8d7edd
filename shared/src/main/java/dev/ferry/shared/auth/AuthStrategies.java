package dev.ferry.shared.auth;

import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.secrets.SecretsProvider;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.Options.AuthType;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds (once per auth block) the strategy a spec names: none, api-key, bearer, basic,
 * oauth2-client-credentials, oauth2-refresh-token, hmac or aws-sigv4. Strategies keep state (OAuth tokens),
 * so the same block always gets the same instance.
 */
public final class AuthStrategies {

    private static final AuthStrategy NONE = new AuthStrategy() {
        @Override
        public void apply(OutboundRequest request) {
        }

        @Override
        public void rejected() {
        }
    };

    private final SecretsProvider secrets;
    private final HttpCaller http;
    private final Clock clock;
    private final ConcurrentHashMap<IntegrationSpec.Auth, AuthStrategy> built = new ConcurrentHashMap<>();

    public AuthStrategies(SecretsProvider secrets, HttpCaller http, Clock clock) {
        this.secrets = secrets;
        this.http = http;
        this.clock = clock;
    }

    public AuthStrategy of(IntegrationSpec.Auth auth) {
        if (auth == null || auth.type() == null || auth.type() == AuthType.NONE) {
            return NONE;
        }
        return built.computeIfAbsent(auth, this::build);
    }

    private AuthStrategy build(IntegrationSpec.Auth auth) {
        return switch (auth.type()) {
            case API_KEY, BEARER, BASIC -> new StaticCredentials(secrets, auth);
            case OAUTH2_CLIENT_CREDENTIALS, OAUTH2_REFRESH_TOKEN -> new OAuth2Tokens(secrets, auth, http, clock);
            case HMAC -> new HmacRequestSigner(secrets, auth, clock);
            case AWS_SIGV4 -> new SigV4Signer(secrets, auth, clock);
            case NONE -> NONE;
        };
    }
}
