/**
 * Credentials at the edges: inbound webhook signature schemes ({@code WebhookVerifier}) and outbound auth
 * strategies (API keys, bearer, basic, OAuth2, HMAC signing, SigV4) and {@code OutboundAuth}, which sends a request
 * with them over {@code http} (one fresh read of the secret after a 401/403). Values come from {@code secrets}; nothing here
 * logs or returns a secret.
 */
package dev.ferry.shared.auth;
