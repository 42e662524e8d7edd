package dev.ferry.local.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.json.Json;
import dev.ferry.testing.FakeApi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The destination under fault: {@code PUT /{origin}/{id}} answers 500 (nothing applied), 429 with
 * {@code Retry-After: 1} (nothing applied), an answer slower than Ferry's timeout (applied; Ferry never hears of
 * it), or drops the connection (before applying or after, half each); else it applies the record and answers 200.
 *
 * <p>It honours {@code Idempotency-Key} as payment APIs do: a key it has applied is answered again with the first
 * answer and not applied again. That is Ferry's contract with a destination (an effect whose record could not be
 * written — a crash between the call and the idempotency write, a timeout — is repeated under the same key), and
 * those absorbed repeats are counted apart. Every effect is kept per record, so an effect applied twice (under two
 * keys, or without one) and an effect with the wrong content are both seen.
 */
public final class ChaosDestination implements FakeApi.Responder {

    static final Duration SLOW = Duration.ofMillis(1_600); // the specs' destination timeout is 1000 ms

    public record Effect(String key, String version) {
    }

    private final Faults faults;
    private final String token;
    private final Rates rates;
    private final Map<String, String> expectedVersions;
    private final Map<String, FakeApi.Reply> answered = new HashMap<>();
    private final Map<String, List<Effect>> effects = new HashMap<>();
    private final Map<String, String> wrong = new HashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong absorbed = new AtomicLong();
    private final AtomicLong unauthorised = new AtomicLong();
    private final java.util.Set<String> poisoned;
    private volatile boolean fixed;

    /** Fault rates, each a fraction of requests. */
    public record Rates(double serverError, double throttled, double slow, double dropped) {
    }

    /**
     * @param expectedVersions "origin/id" -> the version the record must arrive with
     * @param poisoned         records refused with 422 until {@link #fix()} (a destination-side problem an operator
     *                         fixes, then replays the dead letters)
     */
    ChaosDestination(Faults faults, String token, Rates rates, Map<String, String> expectedVersions, java.util.Set<String> poisoned) {
        this.poisoned = poisoned;
        this.faults = faults;
        this.token = token;
        this.rates = rates;
        this.expectedVersions = expectedVersions;
    }

    @Override
    public FakeApi.Reply respond(FakeApi.RecordedRequest request) throws Exception {
        requests.incrementAndGet();
        if (!("Bearer " + token).equals(request.header("Authorization"))) {
            unauthorised.incrementAndGet();
            return FakeApi.Reply.json(401, "{\"error\":\"bad token\"}");
        }
        if (!fixed && poisoned.contains(request.path().substring(1))) {
            faults.count("destination: 422 for a poisoned record (until it is fixed, before the replay)");
            return FakeApi.Reply.json(422, "{\"error\":\"chaos: record refused until fixed\"}");
        }
        double roll = faults.enabled() ? faults.next() : 1;
        double edge = rates.serverError();
        if (roll < edge) {
            faults.count("destination: 500");
            return FakeApi.Reply.json(500, "{\"error\":\"chaos: internal error\"}");
        }
        if (roll < (edge += rates.throttled())) {
            faults.count("destination: 429 with Retry-After: 1");
            return FakeApi.Reply.json(429, "{\"error\":\"chaos: slow down\"}").header("Retry-After", "1");
        }
        boolean slow = roll < (edge += rates.slow());
        boolean dropped = !slow && roll < edge + rates.dropped();
        if (dropped && faults.nextInt(2) == 0) {
            faults.count("destination: connection dropped before applying");
            return FakeApi.Reply.dropConnection();
        }
        FakeApi.Reply reply = apply(request);
        if (slow) {
            faults.count("destination: applied, answered slower than the timeout");
            return reply.delay(SLOW);
        }
        if (dropped) {
            faults.count("destination: applied, connection dropped before answering");
            return FakeApi.Reply.dropConnection();
        }
        return reply;
    }

    private synchronized FakeApi.Reply apply(FakeApi.RecordedRequest request) {
        String key = request.header("Idempotency-Key");
        if (key != null && answered.containsKey(key)) {
            absorbed.incrementAndGet();
            return answered.get(key);
        }
        String record = request.path().substring(1); // origin/id
        String version = null;
        try {
            JsonNode body = Json.parseStrict(request.body());
            version = body.path("version").asText(null);
            String id = record.substring(record.indexOf('/') + 1);
            if (!id.equals(body.path("record_id").asText(null)) || !record.startsWith(body.path("origin").asText("?") + "/")) {
                wrong.putIfAbsent(record, "body names record " + body.path("origin").asText() + "/" + body.path("record_id").asText());
            } else if (!java.util.Objects.equals(expectedVersions.get(record), version)) {
                wrong.putIfAbsent(record, "version " + version + ", expected " + expectedVersions.get(record));
            }
        } catch (Json.MalformedJsonException e) {
            wrong.putIfAbsent(record, "body is not JSON: " + e.getMessage());
        }
        effects.computeIfAbsent(record, r -> new ArrayList<>()).add(new Effect(key, version));
        FakeApi.Reply reply = FakeApi.Reply.json(200, "{\"applied\":\"" + record + "\"}");
        if (key != null) {
            answered.put(key, reply);
        }
        return reply;
    }

    /** The poisoned records are accepted from now on. */
    void fix() {
        fixed = true;
    }

    /** Effects per record ("origin/id"), a copy. */
    synchronized Map<String, List<Effect>> effects() {
        Map<String, List<Effect>> copy = new HashMap<>();
        effects.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return copy;
    }

    synchronized Map<String, String> wrong() {
        return Map.copyOf(wrong);
    }

    long requests() {
        return requests.get();
    }

    /** Repeats answered from the Idempotency-Key record, not applied again. */
    long absorbed() {
        return absorbed.get();
    }

    long unauthorised() {
        return unauthorised.get();
    }
}
