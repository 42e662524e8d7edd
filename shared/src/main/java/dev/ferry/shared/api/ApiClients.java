package dev.ferry.shared.api;

import dev.ferry.shared.auth.OutboundAuth;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.resilience.ResilientCalls;
import dev.ferry.shared.spec.ApiRegistry;
import dev.ferry.shared.spec.ApiSpec;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.Options;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The API clients of one runtime: one per section that calls out (an integration's source, its destination, each
 * lookup), built on first use and kept. Sections that refer to one declared API share its budget and circuit by the
 * API's name inside {@link ResilientCalls}, so their clients are views of one connection with this integration's
 * share of it. A changed spec (a reload) gets a new client.
 */
public final class ApiClients {

    /** Which section of an integration a client serves. */
    private record Key(String integration, String section) {
    }

    /** A client and the section it was built from (compared by identity: a reloaded spec builds a new one). */
    private record Built(Object section, IntegrationSpec.ApiLimits limits, ApiClient client) {
    }

    private final HttpCaller http;
    private final Supplier<OutboundAuth> auth;
    private final Supplier<ResilientCalls> resilience;
    private final Supplier<ApiRegistry> apis;
    private final Map<Key, Built> clients = new ConcurrentHashMap<>();

    /**
     * @param auth       built on first use (its secrets client is not needed until a call is made)
     * @param resilience likewise (its DynamoDB client)
     * @param apis       the declared APIs, for what the sections do not carry (their rate-limit header style)
     */
    public ApiClients(HttpCaller http, Supplier<OutboundAuth> auth, Supplier<ResilientCalls> resilience, Supplier<ApiRegistry> apis) {
        this.http = http;
        this.auth = auth;
        this.resilience = resilience;
        this.apis = apis;
    }

    /** The client for the integration's source ({@code source.get}, every page of {@code source.list}). */
    public ApiClient source(IntegrationSpec spec) {
        IntegrationSpec.Source source = Objects.requireNonNull(spec.source(), "integration has no source");
        return client(new Key(spec.name(), "source"), source, source.api(), source.auth(), spec.limits().source());
    }

    /** The client for the integration's destination (single and bulk deliveries). */
    public ApiClient destination(IntegrationSpec spec) {
        IntegrationSpec.Destination destination = Objects.requireNonNull(spec.destination(), "integration has no destination");
        return client(new Key(spec.name(), "destination"), destination, destination.api(), destination.auth(), spec.limits().destination());
    }

    /** The client for one of the integration's lookups. */
    public ApiClient lookup(IntegrationSpec spec, String lookup) {
        IntegrationSpec.Lookup declared = Objects.requireNonNull(spec.lookups().get(lookup), "no lookup " + lookup);
        return client(new Key(spec.name(), "lookup:" + lookup), declared, declared.api(), declared.auth(), declared.limits());
    }

    /** Requests sent so far by every client of the given kind of section ({@code lookup:} for lookups). */
    public long attempts(String sectionPrefix) {
        return clients.entrySet().stream().filter(e -> e.getKey().section().startsWith(sectionPrefix))
                .mapToLong(e -> e.getValue().client().attempts()).sum();
    }

    private ApiClient client(Key key, Object section, String api, IntegrationSpec.Auth sectionAuth, IntegrationSpec.ApiLimits limits) {
        Built built = clients.compute(key, (k, old) -> old != null && old.section() == section && old.limits() == limits ? old
                : new Built(section, limits, build(k, api, sectionAuth, limits)));
        return built.client();
    }

    private ApiClient build(Key key, String api, IntegrationSpec.Auth sectionAuth, IntegrationSpec.ApiLimits limits) {
        Options.RateLimitHeaders headers = api == null ? Options.RateLimitHeaders.AUTO
                : apis.get().find(api).map(ApiSpec::rateLimitHeaders).orElse(Options.RateLimitHeaders.AUTO);
        String name = limits != null && limits.api() != null ? limits.api() : key.integration() + ":" + key.section();
        ResilientCalls calls = resilience.get();
        // Metrics name the declared API (one series however many integrations call it), else the section.
        return new ApiClient(name, api != null ? api : name, sectionAuth, limits, headers == null ? Options.RateLimitHeaders.AUTO : headers,
                calls.defaultTimeoutMs(), http, auth.get(), calls);
    }
}
