package dev.ferry.shared.lookup;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.ferry.shared.api.ApiClients;
import dev.ferry.shared.api.ApiRequest;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.lambda.Invocation;
import dev.ferry.shared.mapping.Lookups;
import dev.ferry.shared.spec.IntegrationSpec;
import org.jboss.logging.Logger;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A spec's lookups over HTTP, cached per function instance: one GET per distinct value per TTL, not one
 * per record. Each declared lookup has its own Caffeine cache (expire after write, bounded size); records
 * wanting a value that is being fetched wait for that one GET. Answers and "not found" (404, or nothing at
 * the lookup's path) are cached — not found for at most a minute; failures (5xx, timeouts, 429, unreadable
 * bodies) are not, so the next record asks again.
 *
 * <p>The GET runs on the caller's thread, through the lookup's {@link dev.ferry.shared.api.ApiClient} (credentials,
 * the API's shared rate budget, circuit breaker, timeout, quick retries), and fails classified like any other call.
 */
public final class LookupService {

    private static final Logger LOG = Logger.getLogger(LookupService.class);

    /** A cached answer; {@code value == null} means the other side knows no such value. */
    record Answer(JsonNode value) {
        static final Answer NOT_FOUND = new Answer(null);

        boolean found() {
            return value != null;
        }
    }

    /** One cache per integration, lookup and declaration (a changed declaration starts afresh). */
    private record CacheId(String integration, String lookup, IntegrationSpec.Lookup declared) {
    }

    private final ApiClients apis;
    private final Ticker ticker;
    private final Map<CacheId, AsyncCache<String, Answer>> caches = new ConcurrentHashMap<>();

    /**
     * @param apis   the runtime's API clients (a lookup's client is built on its first request)
     * @param ticker the caches' clock ({@link Ticker#systemTicker()}; tests move a fake one)
     */
    public LookupService(ApiClients apis, Ticker ticker) {
        this.apis = apis;
        this.ticker = ticker;
    }

    /** The lookups of one spec, for {@link dev.ferry.shared.mapping.FieldMapper}. */
    public Lookups forSpec(IntegrationSpec spec) {
        return forSpec(spec, null);
    }

    /** The lookups of one spec for one record: a GET it causes carries the record's trace ({@code traceparent}). */
    public Lookups forSpec(IntegrationSpec spec, String traceId) {
        return new Lookups() {
            @Override
            public Optional<JsonNode> find(String lookup, String value) {
                return Optional.ofNullable(LookupService.this.find(spec, lookup, value, traceId).value());
            }

            @Override
            public boolean rejectsMissing(String lookup) {
                IntegrationSpec.Lookup declared = spec.lookups().get(lookup);
                return declared == null || declared.rejectsMissing();
            }
        };
    }

    /** GET requests sent so far: answers, not-found answers and failures alike; quick retries count too. */
    public long requests() {
        return apis.attempts("lookup:");
    }

    Answer find(IntegrationSpec spec, String lookup, String value) {
        return find(spec, lookup, value, null);
    }

    Answer find(IntegrationSpec spec, String lookup, String value, String traceId) {
        IntegrationSpec.Lookup declared = spec.lookups().get(lookup);
        if (declared == null) { // the loader refuses such specs; this guards hand-built ones
            throw StepFailure.permanent("integration '" + spec.name() + "' declares no lookup '" + lookup + "'");
        }
        AsyncCache<String, Answer> cache = caches.computeIfAbsent(new CacheId(spec.name(), lookup, declared), id -> newCache(declared));
        CompletableFuture<Answer> mine = new CompletableFuture<>();
        CompletableFuture<Answer> answer = cache.get(value, (key, executor) -> mine);
        if (answer == mine) {
            // This thread loads; others wanting the same value wait on the future. A failure completes it
            // exceptionally, which removes it from the cache: failures are not cached.
            try {
                mine.complete(load(spec, lookup, declared, value, traceId));
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
            }
        }
        return await(answer, lookup);
    }

    private AsyncCache<String, Answer> newCache(IntegrationSpec.Lookup declared) {
        long found = declared.ttl().toNanos();
        long notFound = declared.notFoundTtl().toNanos();
        return Caffeine.newBuilder()
                .maximumSize(declared.maxEntriesOrDefault())
                .expireAfter(Expiry.<String, Answer>creating((key, answer) ->
                        java.time.Duration.ofNanos(answer.found() ? found : notFound)))
                .ticker(ticker)
                .executor(Runnable::run) // no background threads in a Lambda; maintenance runs on the callers
                .buildAsync();
    }

    private Answer load(IntegrationSpec spec, String lookup, IntegrationSpec.Lookup declared, String value, String traceId) {
        String url = declared.url().replace("{value}", URLEncoder.encode(value, StandardCharsets.UTF_8));
        HttpCaller.Response response;
        try {
            response = apis.lookup(spec, lookup).send(ApiRequest.get(url).withTrace(traceId));
        } catch (StepFailure f) {
            if (f.httpStatus() != null && f.httpStatus() == 404) {
                LOG.debugf("lookup %s/%s: GET %s answered 404: not found", spec.name(), lookup, HttpCaller.redactQuery(url));
                return Answer.NOT_FOUND;
            }
            throw f;
        }
        if (response.isEmpty()) {
            return Answer.NOT_FOUND; // e.g. 204: nothing there
        }
        // Strict JSON; a malformed answer is permanent and not cached (the caller adds the field and value).
        JsonNode body = response.json("GET " + HttpCaller.redactQuery(url));
        JsonNode at = Json.at(body, declared.path());
        return at == null || at.isMissingNode() || at.isNull() ? Answer.NOT_FOUND : new Answer(at.deepCopy());
    }

    private static Answer await(CompletableFuture<Answer> answer, String lookup) {
        try {
            return answer.get(Math.max(1, Invocation.current().remainingMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw StepFailure.retryable("lookup '" + lookup + "' failed: " + cause.getClass().getSimpleName());
        } catch (TimeoutException e) {
            throw StepFailure.retryable("lookup '" + lookup + "': another record's request for the same value did not"
                    + " finish within this invocation");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StepFailure.retryable("interrupted while waiting for lookup '" + lookup + "'");
        }
    }
}
