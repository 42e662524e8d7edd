package dev.ferry.shared.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.auth.OutboundAuth;
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

    ApiClient(String name, IntegrationSpec.Auth auth, IntegrationSpec.ApiLimits limits, Options.RateLimitHeaders rateLimitHeaders,
              long defaultTimeoutMs, HttpCaller http, OutboundAuth outbound, ResilientCalls resilience) {
        this.auth = auth;
        this.plan = CallPlan.of(name, limits, defaultTimeoutMs); // the limits' defaults, applied once
        this.readsRateLimitHeaders = rateLimitHeaders != Options.RateLimitHeaders.NONE;
        this.http = http;
        this.outbound = outbound;
        this.resilience = resilience;
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
        HttpCaller.Response response = resilience.call(plan, permit, () -> {
            attempts.increment();
            return outbound.send(http, auth, request.method(), request.url(), request.headers(), request.body());
        });
        if (readsRateLimitHeaders) {
            resilience.observe(plan, response);
        }
        return response;
    }

    /**
     * GETs {@code url} and reads the answer as one strict JSON document.
     *
     * @param what the request's context for a failure's reason, e.g. "fetching record 7 of 'crm-contacts'"
     */
    public JsonNode getJson(String url, String what) {
        ApiRequest request = ApiRequest.get(url);
        return send(request).json(what + ": " + request.target());
    }
}
