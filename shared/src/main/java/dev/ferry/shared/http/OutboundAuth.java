package dev.ferry.shared.http;

import dev.ferry.shared.secrets.SecretsProvider;
import dev.ferry.shared.spec.IntegrationSpec;

import java.util.Map;

/** Adds a spec's outbound credentials (read from Secrets Manager) to a request's headers. */
public final class OutboundAuth {

    private final SecretsProvider secrets;

    public OutboundAuth(SecretsProvider secrets) {
        this.secrets = secrets;
    }

    public void apply(IntegrationSpec.Auth auth, Map<String, String> headers) {
        if (auth == null || "none".equals(auth.type())) {
            return;
        }
        String field = auth.field() == null ? defaultField(auth.type()) : auth.field();
        String value = secrets.field(auth.secret(), field);
        switch (auth.type()) {
            case "bearer" -> headers.put("Authorization", "Bearer " + value);
            case "api-key" -> headers.put(auth.header() == null ? "X-Api-Key" : auth.header(), value);
            default -> throw new IllegalStateException("unchecked auth type " + auth.type());
        }
    }

    /** After a 401/403 the secret may have been rotated: read it afresh next time. */
    public void forget(IntegrationSpec.Auth auth) {
        if (auth != null && auth.secret() != null) {
            secrets.invalidate(auth.secret());
        }
    }

    private static String defaultField(String type) {
        return "api-key".equals(type) ? "apiKey" : "token";
    }
}
