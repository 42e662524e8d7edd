package dev.ferry.shared.resilience;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Reads an API's own budget signals from a successful answer: {@code RateLimit-Remaining} /
 * {@code RateLimit-Reset} (IETF draft, reset in seconds) and {@code X-RateLimit-Remaining} /
 * {@code X-RateLimit-Reset} (seconds, or an epoch timestamp in seconds as GitHub sends).
 */
final class RateLimitHeaders {

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
            try {
                if (Long.parseLong(remaining.trim()) > 0) {
                    return OptionalLong.empty();
                }
                long value = Long.parseLong(reset.trim());
                long millis = value > 1_000_000_000L ? value * 1000 - nowMillis : value * 1000;
                return OptionalLong.of(Math.clamp(millis, 0, 900_000));
            } catch (NumberFormatException e) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.empty();
    }

    private static String header(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> h : headers.entrySet()) {
            if (h.getKey() != null && h.getKey().toLowerCase(Locale.ROOT).equals(name) && !h.getValue().isEmpty()) {
                return h.getValue().getFirst();
            }
        }
        return null;
    }
}
