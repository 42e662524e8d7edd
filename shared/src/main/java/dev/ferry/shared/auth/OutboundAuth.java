package dev.ferry.shared.auth;

import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.secrets.SecretsProvider;
import dev.ferry.shared.spec.IntegrationSpec;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Adds a spec's outbound credentials (read from Secrets Manager) to requests, by the strategy the spec
 * names (see {@link AuthStrategies}). {@link #send} also handles rotation: when the remote side answers
 * 401/403, the cached secret (and token) is dropped and the call is made once more with credentials
 * read afresh, within the same attempt.
 */
public final class OutboundAuth {

    private static final Logger LOG = Logger.getLogger(OutboundAuth.class);

    private final AuthStrategies strategies;

    public OutboundAuth(SecretsProvider secrets) {
        this(secrets, new HttpCaller(java.time.Duration.ofSeconds(10)), Clock.systemUTC());
    }

    /** @param http the caller used for token endpoints */
    public OutboundAuth(SecretsProvider secrets, HttpCaller http, Clock clock) {
        this.strategies = new AuthStrategies(secrets, http, clock);
    }

    /**
     * Sends the request with credentials; on 401/403 reads the credentials afresh and sends once more.
     * {@code headers} is not changed.
     */
    public HttpCaller.Response send(HttpCaller http, IntegrationSpec.Auth auth, String method, String url,
                                    Map<String, String> headers, byte[] body) {
        AuthStrategy strategy = strategies.of(auth);
        OutboundRequest request = new OutboundRequest(method, url, new HashMap<>(headers), body);
        strategy.apply(request);
        try {
            return http.send(method, request.url(), request.headers(), body);
        } catch (StepFailure f) {
            if (!rejected(f) || auth == null || auth.type() == dev.ferry.shared.spec.Options.AuthType.NONE) {
                throw f;
            }
            LOG.infof("%s %s answered %d: reading the credentials from secret '%s' afresh and trying once more",
                    method, HttpCaller.redactQuery(url), f.httpStatus(), auth.secret() == null ? "(role)" : auth.secret());
            strategy.rejected();
        }
        OutboundRequest again = new OutboundRequest(method, url, new HashMap<>(headers), body);
        strategy.apply(again);
        try {
            return http.send(method, again.url(), again.headers(), body);
        } catch (StepFailure f) {
            if (rejected(f)) {
                strategy.rejected();
            }
            throw f;
        }
    }

    private static boolean rejected(StepFailure f) {
        return f.httpStatus() != null && (f.httpStatus() == 401 || f.httpStatus() == 403);
    }
}
