package dev.ferry.shared.spec;

import dev.ferry.shared.spec.IntegrationSpec.ApiLimits;
import dev.ferry.shared.spec.IntegrationSpec.Auth;
import dev.ferry.shared.spec.IntegrationSpec.Pagination;

/**
 * One external API, declared once in {@code apis/NAME.yaml} and referred to by name from every integration that
 * calls it ({@code source.api}, {@code destination.api}, {@code lookups.X.api}). The standard for that connection:
 * where it is, how Ferry authenticates, how hard Ferry may call it — one rate budget and one circuit per API,
 * shared by all its integrations — and how it pages. See docs/spec.md.
 *
 * @param name             the API's name, as integrations refer to it (the file's name)
 * @param description      what the API is
 * @param owner            who owns the connection (a team or an address)
 * @param docs             a link to the API's documentation
 * @param baseUrl          where it is; usually a {@code ${setting:default}} so each deployment can point elsewhere
 * @param auth             how Ferry authenticates to it (the same auth blocks as in integrations)
 * @param limits           the API's whole budget and resilience: requestsPerSecond, burst, timeoutMs, retries,
 *                         retryDelayMs, concurrency, circuitBreaker; integrations may narrow rate and retries only
 * @param rateLimitHeaders the budget headers it answers with: auto (default: RateLimit-* or X-RateLimit-*) or none
 * @param pagination       how its lists page, for integrations whose source.list declares none
 * @param health           a path (relative to baseUrl) that answers 2xx while the API is up
 */
public record ApiSpec(String name, String description, String owner, String docs, String baseUrl, Auth auth,
                      ApiLimits limits, Options.RateLimitHeaders rateLimitHeaders, Pagination pagination, String health) {

    /** {@code baseUrl} + a path that starts with '/'. */
    public String url(String path) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return base + path;
    }
}
