package dev.ferry.shared.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.auth.OutboundAuth;
import dev.ferry.shared.envelope.StepFailure;
import dev.ferry.shared.lambda.Invocation;
import dev.ferry.shared.metrics.StepMetrics;
import dev.ferry.shared.http.HttpCaller;
import dev.ferry.shared.resilience.CallPlan;
import dev.ferry.shared.resilience.ResilientCalls;
import dev.ferry.shared.resilience.ResilientCalls.Permit;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.Options;

import java.util.concurrent.atomic.LongAdder;

/**
 * Calls one API the way its declaration says, for one section of one integration (its source, its destination or
 * one lookup): credentials added per attempt and read afresh once after a 401/403, a token of the API's shared
 * budget for every request, the API's circuit, concurrency limit and timeout, quick retries within the
 * invocation's time, the API's own rate-limit headers read after each answer, and strict JSON. Built once per
 * section by {@link ApiClients}; every outbound call in Ferry goes through one.
 *
 * <p>A caller that must know it has budget before doing other work (deliver claims the record's idempotency key
 * only once it may call) takes a {@link Permit} with {@link #reserve()} and hands it to {@link #send(Permit,
 * ApiRequest)}; a permit not used is simply dropped.
 */
public final class ApiClient {

    private final IntegrationSpec.Auth auth;
    private final CallPlan plan;
    private final boolean readsRateLimitHeaders;
    private final HttpCaller http;
    private final OutboundAuth outbound;
    private final ResilientCalls resilience;
    private final LongAdder attempts = new LongAdder();
    /** The Api dimension: the declared API's name (shared by every integration calling it), else this section's. */
    private final String metricName;

    ApiClient(String name, String metricName, IntegrationSpec.Auth auth, IntegrationSpec.ApiLimits limits, Options.RateLimitHeaders rateLimitHeaders,
              long defaultTimeoutMs, HttpCaller http, OutboundAuth outbound, ResilientCalls resilience) {
        this.auth = auth;
        this.plan = CallPlan.of(name, limits, defaultTimeoutMs); // the limits' defaults, applied once
        this.readsRateLimitHeaders = rateLimitHeaders != Options.RateLimitHeaders.NONE;
        this.http = http;
        this.outbound = outbound;
        this.resilience = resilience;
        this.metricName = metricName;
    }

    /** The name of this section's budget ({@code crm-contacts:source}, or the limits' {@code api}). */
    public String name() {
        return plan.name();
    }

    /** The longest one request may take: the API's timeout, else the deployment's. */
    public long timeoutMs() {
        return plan.timeoutMs();
    }

    /** The limits this client runs under, defaults applied. */
    public CallPlan plan() {
        return plan;
    }

    /** Requests sent so far, quick retries and the re-read after a 401 included. */
    public long attempts() {
        return attempts.sum();
    }

    /**
     * Takes a token of the budget now; a record that must wait is deferred here, before it cost anything.
     *
     * @throws dev.ferry.shared.envelope.StepFailure a deferral when the budget is spent or the API asked for a pause
     */
    public Permit reserve() {
        return resilience.reserve(plan);
    }

    /** Sends the request (2xx answers; anything else throws a classified failure). */
    public HttpCaller.Response send(ApiRequest request) {
        return send(Permit.NONE, request);
    }

    /** Sends the request, its first attempt paid for by {@code permit}. */
    public HttpCaller.Response send(Permit permit, ApiRequest request) {
        ApiRequest traced = request.headers().containsKey(Traceparent.HEADER) ? request : request.withTrace(null);
        HttpCaller.Response response = resilience.call(plan, permit, () -> {
            attempts.increment();
            return sendOnce(traced);
        });
        if (readsRateLimitHeaders) {
            resilience.observe(plan, response);
        }
        return response;
    }

    /**
     * One request, recorded in the invocation's metrics under the API's name: a call, its status class (or timeout, or
     * no answer) and its latency. A retry after a 401 with fresh credentials is part of the same call.
     */
    private HttpCaller.Response sendOnce(ApiRequest request) {
        long started = System.nanoTime();
        StepMetrics.StatusClass status = null; // stays null when no request went out (e.g. a credential is missing)
        try {
            HttpCaller.Response response = outbound.send(http, auth, request.method(), request.url(), request.headers(), request.body());
            status = StepMetrics.StatusClass.of(response.status());
            return response;
        } catch (StepFailure f) {
            status = f.httpStatus() != null ? StepMetrics.StatusClass.of(f.httpStatus())
                    : f instanceof HttpCaller.NoAnswer none && none.timedOut() ? StepMetrics.StatusClass.TIMEOUT : StepMetrics.StatusClass.ERROR;
            throw f;
        } finally {
            if (status != null) {
                Invocation.current().metrics().apiCall(metricName, status, (System.nanoTime() - started) / 1_000_000);
            }
        }
    }

    /**
     * GETs {@code url} and reads the answer as one strict JSON document.
     *
     * @param what the request's context for a failure's reason, e.g. "fetching record 7 of 'crm-contacts'"
     */
    public JsonNode getJson(String url, String what) {
        return getJson(ApiRequest.get(url), what);
    }

    /** Sends {@code request} (e.g. a GET with its record's trace) and reads the answer as one strict JSON document. */
    public JsonNode getJson(ApiRequest request, String what) {
        return send(request).json(what + ": " + request.target());
    }
}
