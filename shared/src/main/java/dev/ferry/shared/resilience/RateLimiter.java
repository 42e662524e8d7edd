package dev.ferry.shared.resilience;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request budget per API shared by every function instance through one DynamoDB item: a token
 * bucket (capacity {@code burst}, refilled at the rate) from which an instance leases a small block of
 * tokens at a time, so DynamoDB sees one read and one conditional write per block, not per request.
 *
 * <p>A leased token must be used within {@link #LEASE_TTL_MS}; so that a leased-but-late token cannot
 * push any one-second window past the limit, the bucket refills at {@code rps / (1 + ttl)}: the
 * tokens spent in any window of one second were taken from the bucket within 1 + ttl seconds, which is
 * at most {@code burst + rps}. The price is 20% of the sustained rate, bought for blocks of a quarter
 * second's tokens (one DynamoDB read and write per block). When the bucket is found empty, the instance
 * remembers when the next token is due and does not ask DynamoDB again before then.
 */
public final class RateLimiter {

    static final long LEASE_TTL_MS = 250;
    private static final int MAX_CAS_TRIES = 8;

    private record Block(String api, int remaining, long expiresAtMs) {
    }

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    private final ConcurrentHashMap<String, Block> blocks = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> pausedUntil = new ConcurrentHashMap<>();
    /** Per API: the bucket was empty; no token before this instant (saves reads of an empty bucket). */
    private final ConcurrentHashMap<String, Long> emptyUntil = new ConcurrentHashMap<>();
    private final AtomicLong dynamoCalls = new AtomicLong();

    public RateLimiter(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    /** DynamoDB requests made so far (reads and writes), for cost reporting. */
    public long dynamoCalls() {
        return dynamoCalls.get();
    }

    /** The API said to wait (Retry-After, RateLimit-Reset): no calls from this instance until then. */
    public void pauseUntil(String api, long epochMillis) {
        pausedUntil.merge(api, epochMillis, Math::max);
    }

    /** How long the API itself asked this instance to wait (0 when it did not, or the wait is over). */
    public long pausedMillis(String api) {
        Long paused = pausedUntil.get(api);
        return paused == null ? 0 : Math.max(0, paused - clock.millis());
    }

    /**
     * Takes one token for {@code api}.
     *
     * @return zero when the call may go now, else how long to wait before trying again
     */
    public Duration acquire(String api, double requestsPerSecond, int burst) {
        long now = clock.millis();
        Long paused = pausedUntil.get(api);
        if (paused != null && paused > now) {
            return Duration.ofMillis(paused - now);
        }
        synchronized (lockFor(api)) {
            Block block = blocks.get(api);
            if (block != null && block.remaining() > 0 && now < block.expiresAtMs()) {
                blocks.put(api, new Block(api, block.remaining() - 1, block.expiresAtMs()));
                return Duration.ZERO;
            }
            Long empty = emptyUntil.get(api);
            if (empty != null && empty > now) {
                return Duration.ofMillis(empty - now);
            }
            Duration wait = lease(api, requestsPerSecond, Math.max(1, burst), now);
            if (!wait.isZero()) {
                emptyUntil.put(api, now + wait.toMillis());
            }
            return wait;
        }
    }

    private Object lockFor(String api) {
        return locks.computeIfAbsent(api, k -> new Object());
    }

    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    /** The bucket as this instance last saw it; the conditional write checks it is still current. */
    private record Seen(double tokens, long refilledAt, long version) {
    }

    private final ConcurrentHashMap<String, Seen> seen = new ConcurrentHashMap<>();

    /**
     * Optimistic lease: computes from the bucket as last seen and writes with a condition on its version.
     * A lost race returns the current item with the failure, so no separate read is needed; only an
     * instance that has never seen the bucket reads it first.
     */
    private Duration lease(String api, double rps, int capacity, long now) {
        double rate = rps / (1 + LEASE_TTL_MS / 1000.0);
        int blockSize = (int) Math.max(1, Math.floor(rps * LEASE_TTL_MS / 1000.0));
        Map<String, AttributeValue> key = Map.of("pk", s("ratelimit#" + api), "sk", s("bucket"));
        Seen bucket = seen.get(api);
        if (bucket == null) {
            dynamoCalls.incrementAndGet();
            bucket = fromItem(dynamo.getItem(r -> r.tableName(table).key(key).consistentRead(true)).item(), capacity, now);
        }
        for (int i = 0; i < MAX_CAS_TRIES; i++) {
            double available = Math.min(capacity, bucket.tokens() + Math.max(0, now - bucket.refilledAt()) / 1000.0 * rate);
            // Lease whole blocks: under contention a trickle of single tokens would cost a write per request.
            int wanted = Math.min(blockSize, capacity);
            if (available < wanted) {
                seen.put(api, bucket);
                return Duration.ofMillis(Math.max(1, (long) Math.ceil((wanted - available) / rate * 1000)));
            }
            int take = (int) Math.min(blockSize, Math.floor(available));
            long stamp = Math.max(now, bucket.refilledAt());
            long version = bucket.version();
            Seen next = new Seen(available - take, stamp, version + 1);
            try {
                dynamoCalls.incrementAndGet();
                dynamo.putItem(r -> r.tableName(table)
                        .item(Map.of("pk", key.get("pk"), "sk", key.get("sk"), "tokens", n(Double.toString(next.tokens())),
                                "refilledAt", n(Long.toString(stamp)), "version", n(Long.toString(next.version()))))
                        .conditionExpression("attribute_not_exists(pk) OR #v = :v")
                        .expressionAttributeNames(Map.of("#v", "version"))
                        .expressionAttributeValues(Map.of(":v", n(Long.toString(version))))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
                seen.put(api, next);
                blocks.put(api, new Block(api, take - 1, stamp + LEASE_TTL_MS));
                return Duration.ZERO;
            } catch (ConditionalCheckFailedException raced) {
                // Another instance leased meanwhile: continue from the bucket as it is now.
                now = clock.millis();
                if (raced.hasItem()) {
                    bucket = fromItem(raced.item(), capacity, now);
                } else {
                    dynamoCalls.incrementAndGet();
                    bucket = fromItem(dynamo.getItem(r -> r.tableName(table).key(key).consistentRead(true)).item(), capacity, now);
                }
            }
        }
        seen.remove(api);
        return Duration.ofMillis(LEASE_TTL_MS);
    }

    private static Seen fromItem(Map<String, AttributeValue> item, int capacity, long now) {
        if (item == null || item.isEmpty()) {
            return new Seen(capacity, now, 0); // a fresh bucket starts full; version 0 also matches "absent"
        }
        return new Seen(Double.parseDouble(item.get("tokens").n()), Long.parseLong(item.get("refilledAt").n()),
                Long.parseLong(item.get("version").n()));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(String v) {
        return AttributeValue.fromN(v);
    }
}
