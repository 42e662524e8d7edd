package dev.ferry.shared.spec;

import dev.ferry.shared.spec.IntegrationSpec.ApiLimits;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Compiles an integration's references to declared APIs ({@code source.api}, {@code destination.api},
 * {@code lookups.X.api}) into the sections the steps run: full URLs from the API's base URL, the API's auth, its
 * pagination where the list declares none, and limits that sit {@linkplain ApiLimits#within() within} the API's
 * own (one budget and one circuit per API, shared by every integration that calls it). An integration may narrow
 * its share of the rate and its quick retries, never exceed them; the timeout, circuit and concurrency are the
 * API's. A section without {@code api} is a one-off API declared inline, as before.
 */
final class ApiReferences {

    private final ApiRegistry apis;

    ApiReferences(ApiRegistry apis) {
        this.apis = apis;
    }

    IntegrationSpec resolve(IntegrationSpec spec, SpecLoader.Problems p) {
        IntegrationSpec.Source source = spec.source();
        IntegrationSpec.Destination destination = spec.destination();
        IntegrationSpec.Limits limits = spec.limits();
        ApiLimits sourceLimits = limits.source();
        ApiLimits destinationLimits = limits.destination();

        if (source != null && source.api() != null) {
            ApiSpec api = find(p, "source.api", source.api());
            if (api != null) {
                noAuth(p, "source.auth", source.auth(), api);
                var get = source.get() == null ? null
                        : new IntegrationSpec.Get(url(p, "source.get.url", source.get().url(), api), source.get().recordPath());
                var list = source.list() == null ? null : new IntegrationSpec.ListRequest(
                        url(p, "source.list.url", source.list().url(), api), source.list().recordsPath(),
                        source.list().pagination() != null ? source.list().pagination() : api.pagination(), source.list().cursor());
                source = new IntegrationSpec.Source(source.recordId(), source.version(), api.auth(), get, list, source.schema(),
                        source.idempotencyKey(), api.name());
                sourceLimits = share(p, "limits.source", sourceLimits, api, spec.name() + ":source");
            }
        }
        if (destination != null && destination.api() != null) {
            ApiSpec api = find(p, "destination.api", destination.api());
            if (api != null) {
                noAuth(p, "destination.auth", destination.auth(), api);
                var batch = destination.batch();
                if (batch != null && batch.url() != null) {
                    batch = new IntegrationSpec.Batch(batch.size(), batch.method(), url(p, "destination.batch.url", batch.url(), api),
                            batch.wrap(), batch.results(), batch.itemStatus(), batch.itemOk(), batch.itemError());
                }
                destination = new IntegrationSpec.Destination(destination.method(), url(p, "destination.url", destination.url(), api),
                        api.auth(), destination.headers(), destination.nulls(), destination.schema(), batch, api.name());
                destinationLimits = share(p, "limits.destination", destinationLimits, api, spec.name() + ":destination");
            }
        }
        Map<String, IntegrationSpec.Lookup> lookups = new LinkedHashMap<>();
        for (Map.Entry<String, IntegrationSpec.Lookup> e : spec.lookups().entrySet()) {
            IntegrationSpec.Lookup l = e.getValue();
            String at = "lookups." + e.getKey();
            if (l != null && l.api() != null) {
                ApiSpec api = find(p, at + ".api", l.api());
                if (api != null) {
                    noAuth(p, at + ".auth", l.auth(), api);
                    l = new IntegrationSpec.Lookup(url(p, at + ".url", l.url(), api), api.auth(), l.path(), l.ttlSeconds(),
                            l.maxEntries(), l.missing(), share(p, at + ".limits", l.limits(), api, spec.name() + ":lookup:" + e.getKey()),
                            api.name());
                }
            }
            lookups.put(e.getKey(), l);
        }
        return new IntegrationSpec(spec.name(), spec.description(), spec.owner(), source, spec.webhook(), spec.schedule(),
                spec.mapping(), lookups, destination,
                new IntegrationSpec.Limits(limits.maxBodyBytes(), sourceLimits, destinationLimits), spec.examples());
    }

    private ApiSpec find(SpecLoader.Problems p, String at, String name) {
        ApiSpec api = apis.find(name).orElse(null);
        if (api == null) {
            p.addAt(at, "no API named '" + name + "' is declared in apis/"
                    + (apis.names().isEmpty() ? "" : " (declared: " + String.join(", ", new TreeSet<>(apis.names())) + ")"));
        }
        return api;
    }

    private void noAuth(SpecLoader.Problems p, String at, IntegrationSpec.Auth auth, ApiSpec api) {
        if (auth != null) {
            p.addAt(at, "conflicts with the API's own: " + apis.fileOf(api.name()) + " declares how Ferry authenticates to '"
                    + api.name() + "'; remove it here (or drop the api reference for a one-off API)");
        }
    }

    private String url(SpecLoader.Problems p, String at, String path, ApiSpec api) {
        if (path == null) {
            return null; // "is required" comes from the section's own check
        }
        if (!path.startsWith("/")) {
            p.addAt(at, "with api '" + api.name() + "', give the path relative to its base URL (" + api.baseUrl()
                    + "), starting with '/', e.g. /v1/items/{recordId}; got '" + path + "'");
            return path;
        }
        return api.url(path);
    }

    /**
     * This integration's limits for one section, inside the API's: its own budget (when it narrows the rate)
     * and quick retries; the API's budget, circuit, timeout and concurrency are shared.
     */
    private ApiLimits share(SpecLoader.Problems p, String at, ApiLimits narrowed, ApiSpec api, String ownName) {
        ApiLimits whole = api.limits() == null ? null : new ApiLimits(api.name(), api.limits().requestsPerSecond(),
                api.limits().burst(), api.limits().timeoutMs(), api.limits().retries(), api.limits().retryDelayMs(),
                api.limits().concurrency(), api.limits().circuitBreaker());
        if (narrowed == null) {
            return whole == null ? null : new ApiLimits(ownName, null, null, null, whole.retries(), whole.retryDelayMs(),
                    null, null, whole);
        }
        String file = apis.fileOf(api.name());
        for (var fixed : new Object[][] {{"api", narrowed.api()}, {"timeoutMs", narrowed.timeoutMs()},
                {"concurrency", narrowed.concurrency()}, {"circuitBreaker", narrowed.circuitBreaker()}}) {
            if (fixed[1] != null) {
                p.addAt(at + "." + fixed[0], "is the API's, shared by every integration calling '" + api.name() + "' (" + file
                        + "); an integration may narrow only requestsPerSecond, burst, retries and retryDelayMs");
            }
        }
        ApiLimits own = whole == null ? new ApiLimits(null, null, null, null, null, null, null, null) : whole;
        if (narrowed.requestsPerSecond() != null) {
            if (narrowed.requestsPerSecond() <= 0) {
                p.addAt(at + ".requestsPerSecond", "must be positive");
            } else if (own.requestsPerSecond() != null && narrowed.requestsPerSecond() > own.requestsPerSecond()) {
                p.addAt(at + ".requestsPerSecond", narrowed.requestsPerSecond() + " asks more than '" + api.name() + "' allows ("
                        + own.requestsPerSecond() + "/s in " + file + ")");
            }
        }
        int apiBurst = own.burst() == null ? 1 : own.burst();
        if (narrowed.burst() != null && own.requestsPerSecond() != null && narrowed.burst() > apiBurst) {
            p.addAt(at + ".burst", narrowed.burst() + " asks more than '" + api.name() + "' allows (burst " + apiBurst + " in " + file + ")");
        }
        int apiRetries = own.retries() == null ? 0 : own.retries();
        if (narrowed.retries() != null && narrowed.retries() > apiRetries) {
            p.addAt(at + ".retries", narrowed.retries() + " asks more than '" + api.name() + "' allows (retries " + apiRetries
                    + " in " + file + ")");
        }
        return new ApiLimits(ownName, narrowed.requestsPerSecond(), narrowed.burst(), null,
                narrowed.retries() != null ? narrowed.retries() : own.retries(),
                narrowed.retryDelayMs() != null ? narrowed.retryDelayMs() : own.retryDelayMs(), null, null, whole);
    }

    /** An API's own limits: positive numbers, and no {@code api} name (the API's name is its budget's). */
    static void checkApiLimits(SpecLoader.Problems p, ApiSpec api) {
        ApiLimits l = api.limits();
        if (l == null) {
            return;
        }
        if (l.api() != null) {
            p.addAt("limits.api", "is not needed here: the API's name ('" + api.name() + "') names its shared budget");
        }
        if (l.requestsPerSecond() != null && l.requestsPerSecond() <= 0) {
            p.addAt("limits.requestsPerSecond", "must be positive");
        }
        for (var n : new Object[][] {{"burst", l.burst()}, {"timeoutMs", l.timeoutMs()}, {"concurrency", l.concurrency()}}) {
            if (n[1] != null && (Integer) n[1] <= 0) {
                p.addAt("limits." + n[0], "must be positive");
            }
        }
        if (l.retries() != null && l.retries() < 0) {
            p.addAt("limits.retries", "must be 0 or more");
        }
    }
}
