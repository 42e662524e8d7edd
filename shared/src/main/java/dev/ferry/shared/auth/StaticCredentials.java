package dev.ferry.shared.auth;

import dev.ferry.shared.secrets.SecretsProvider;
import dev.ferry.shared.spec.IntegrationSpec;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** api-key (header or query parameter), bearer and basic: a value from a secret, added as it is. */
final class StaticCredentials implements AuthStrategy {

    private final SecretsProvider secrets;
    private final IntegrationSpec.Auth auth;

    StaticCredentials(SecretsProvider secrets, IntegrationSpec.Auth auth) {
        this.secrets = secrets;
        this.auth = auth;
    }

    @Override
    public void apply(OutboundRequest request) {
        switch (auth.type()) {
            case BEARER -> request.headers().put("Authorization", "Bearer " + secrets.field(auth.secret(), field("token")));
            case API_KEY -> {
                String key = secrets.field(auth.secret(), field("apiKey"));
                if (auth.query() != null) {
                    String url = request.url();
                    request.url(url + (url.contains("?") ? "&" : "?") + URLEncoder.encode(auth.query(), StandardCharsets.UTF_8)
                            + "=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
                } else {
                    request.headers().put(auth.header() == null ? "X-Api-Key" : auth.header(), key);
                }
            }
            case BASIC -> {
                String user = secrets.field(auth.secret(), "username");
                String password = secrets.field(auth.secret(), "password");
                request.headers().put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
            }
            default -> throw new IllegalStateException("not a static credential type: " + auth.type());
        }
    }

    private String field(String fallback) {
        return auth.field() == null ? fallback : auth.field();
    }

    @Override
    public void rejected() {
        secrets.invalidate(auth.secret());
    }
}
