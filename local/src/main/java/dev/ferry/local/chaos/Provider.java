package dev.ferry.local.chaos;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.secrets.WebhookSignature;
import dev.ferry.testing.LocalLambdaContext;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The webhook provider: posts each signed webhook to one of the webhook instances, retries on no answer, 409 and
 * 5xx as providers do (same delivery id), and redelivers some it saw accepted: with the same delivery id, and under
 * a new delivery id with the same record version. Any other answer is an edge failure of the run.
 */
final class Provider implements AutoCloseable {

    static final int MAX_TRIES = 60;
    static final String DELIVERY_HEADER = "x-chaos-delivery";
    static final String SIGNATURE_HEADER = "x-chaos-signature";

    private record Delivery(String integration, String record, String body, String deliveryId, boolean repeat, int tries) {
        Delivery again() {
            return new Delivery(integration, record, body, deliveryId, repeat, tries + 1);
        }
    }

    private final List<RequestStreamHandler> instances;
    private final String key;
    private final Faults faults;
    private final double crashRate;
    private final double redeliveryRate;
    private final ScheduledExecutorService pool;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger firstAnswered = new AtomicInteger();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong posts = new AtomicLong();
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    /** record -> why the provider gave up on it */
    private final Map<String, String> edgeFailures = new ConcurrentHashMap<>();

    Provider(List<RequestStreamHandler> instances, String key, Faults faults, double crashRate, double redeliveryRate, int threads) {
        this.instances = instances;
        this.key = key;
        this.faults = faults;
        this.crashRate = crashRate;
        this.redeliveryRate = redeliveryRate;
        this.pool = Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, "chaos-provider");
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues the first delivery of one webhook. */
    void send(String integration, String record, String body) {
        submit(new Delivery(integration, record, body, "dlv-" + record + "-1", false, 1), 0);
    }

    private void submit(Delivery d, long delayMillis) {
        pending.incrementAndGet();
        pool.schedule(() -> {
            try {
                post(d);
            } finally {
                pending.decrementAndGet();
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void post(Delivery d) {
        posts.incrementAndGet();
        int status;
        try {
            status = invoke(instances.get(Math.floorMod(next.getAndIncrement(), instances.size())), d);
            if (status / 100 == 2) {
                faults.maybeCrash("webhook: answered, the answer lost on the way to the provider", crashRate);
            }
        } catch (Crash crash) {
            status = -1; // no answer: the provider times out and retries
        } catch (RuntimeException e) {
            status = -2;
        }
        statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
        if (d.tries() == 1 && !d.repeat()) {
            firstAnswered.incrementAndGet();
        }
        switch (status) {
            case 202, 200 -> {
                if (!d.repeat() && status == 202) {
                    if (faults.roll("provider: redelivered with the same delivery id", redeliveryRate)) {
                        submit(new Delivery(d.integration(), d.record(), d.body(), d.deliveryId(), true, 1), 200 + faults.nextInt(2000));
                    }
                    if (faults.roll("provider: redelivered under a new delivery id, same version", redeliveryRate)) {
                        submit(new Delivery(d.integration(), d.record(), d.body(), "dlv-" + d.record() + "-2", true, 1),
                                200 + faults.nextInt(2000));
                    }
                }
            }
            case -1, 409, 500, 502, 503, 504 -> {
                if (status != -1 && status != 409) {
                    faults.count("provider: retried after a " + status);
                }
                if (d.tries() >= MAX_TRIES) {
                    edgeFailures.put(d.record(), "still " + status + " after " + d.tries() + " tries of " + d.deliveryId());
                } else {
                    submit(d.again(), 250L * Math.min(d.tries(), 4) + faults.nextInt(250));
                }
            }
            default -> edgeFailures.put(d.record(), "answered " + status + " to " + d.deliveryId());
        }
    }

    private int invoke(RequestStreamHandler instance, Delivery d) {
        byte[] event = Json.writeBytes(event(d));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            instance.handleRequest(new ByteArrayInputStream(event), out, new LocalLambdaContext("ferry-webhook"));
            JsonNode answer = Json.MAPPER.readTree(out.toByteArray());
            return answer.path("statusCode").asInt(-2);
        } catch (java.io.IOException e) {
            return -2;
        }
    }

    private ObjectNode event(Delivery d) {
        ObjectNode event = Json.MAPPER.createObjectNode();
        event.put("version", "2.0");
        event.put("routeKey", "POST /webhooks/{integration}");
        event.put("rawPath", "/webhooks/" + d.integration());
        event.put("rawQueryString", "");
        ObjectNode headers = event.putObject("headers");
        headers.put("content-type", "application/json");
        headers.put("user-agent", "Chaos-Provider/1.0");
        headers.put(DELIVERY_HEADER, d.deliveryId());
        headers.put(SIGNATURE_HEADER, "sha256=" + WebhookSignature.hexHmacSha256(key, d.body().getBytes(StandardCharsets.UTF_8)));
        ObjectNode context = event.putObject("requestContext");
        context.put("requestId", "chaos-" + posts.get());
        context.put("routeKey", "POST /webhooks/{integration}");
        context.put("timeEpoch", Instant.now().toEpochMilli());
        ObjectNode http = context.putObject("http");
        http.put("method", "POST");
        http.put("path", "/webhooks/" + d.integration());
        http.put("protocol", "HTTP/1.1");
        http.put("sourceIp", "203.0.113.10");
        event.putObject("pathParameters").put("integration", d.integration());
        event.put("body", d.body());
        event.put("isBase64Encoded", false);
        return event;
    }

    /** Deliveries queued or running (first deliveries, retries and redeliveries). */
    int pending() {
        return pending.get();
    }

    /** First deliveries posted once (whatever the answer). */
    int firstAnswered() {
        return firstAnswered.get();
    }

    long posts() {
        return posts.get();
    }

    Map<Integer, Long> statuses() {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        statuses.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    Map<String, String> edgeFailures() {
        return Map.copyOf(edgeFailures);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
