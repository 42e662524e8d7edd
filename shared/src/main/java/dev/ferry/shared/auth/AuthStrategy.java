package dev.ferry.shared.auth;

/** Adds one kind of credential to outgoing requests. */
public interface AuthStrategy {

    /** Adds the credential to the request (header, query parameter or signature). */
    void apply(OutboundRequest request);

    /**
     * The remote side answered 401/403 to a request this strategy prepared: drop whatever is cached
     * (secret, token) so the next {@link #apply} reads it afresh.
     */
    void rejected();
}
