package dev.ferry.shared.resilience;

import dev.ferry.shared.http.HeaderNumbers;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Reads an API's own budget signals from a successful answer: {@code RateLimit-Remaining} /
 * {@code RateLimit-Reset} (IETF draft, reset in seconds) and {@code X-RateLimit-Remaining} /
 * {@code X-RateLimit-Reset} (seconds, or an epoch timestamp in seconds as GitHub sends).
 * <p>Numbers are read by {@link HeaderNumbers#secondsAsMillis}: non-negative, ASCII digits, a fraction allowed (a reset
 * of {@code 1.5} is 1500 ms); a value too large for any clock saturates instead of overflowing. A pause is at most
 * {@link #MAX_PAUSE_MILLIS}. A pair that cannot be read (a negative, an exponent, garbage) is ignored, as if absent.
 */
final class RateLimitHeaders {

    /** The longest pause taken from these headers: SQS' longest delay, as for Retry-After. */
    static final long MAX_PAUSE_MILLIS = 900_000;
    /** A reset above this many seconds is an epoch timestamp (2001-09-09), not a delay. */
    static final long EPOCH_SECONDS_FROM = 1_000_000_000L;

    private RateLimitHeaders() {
    }

    /** How long to pause when the API says nothing is left, else empty. */
    static OptionalLong pauseMillis(Map<String, List<String>> headers, long nowMillis) {
        for (String prefix : new String[] {"ratelimit-", "x-ratelimit-"}) {
            String remaining = header(headers, prefix + "remaining");
            String reset = header(headers, prefix + "reset");
            if (remaining == null || reset == null) {
                continue;
            }
            OptionalLong left = HeaderNumbers.secondsAsMillis(remaining); // a count, read with the same strict rules
            OptionalLong resetMillis = HeaderNumbers.secondsAsMillis(reset);
            if (left.isEmpty() || resetMillis.isEmpty()) {
                return OptionalLong.empty();
            }
            if (left.getAsLong() > 0) {
                return OptionalLong.empty();
            }
            long value = resetMillis.getAsLong(); // at most about 1e18: no product or difference below overflows
            long millis = value > EPOCH_SECONDS_FROM * 1000 ? value - nowMillis : value;
            return OptionalLong.of(Math.clamp(millis, 0, MAX_PAUSE_MILLIS));
        }
        return OptionalLong.empty();
    }

    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            if (h.getKey() != null && h.getKey().toLowerCase(Locale.ROOT).equals(name) && h.getValue() != null && !h.getValue().isEmpty()) {
                return h.getValue().getFirst();
            }
        }
        return null;
    }
}
