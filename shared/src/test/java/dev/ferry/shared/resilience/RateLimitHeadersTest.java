package dev.ferry.shared.resilience;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitHeadersTest {

    static final long NOW = 1_800_000_000_000L;

    @Test
    void draftHeadersWithNothingLeftPauseForTheResetSeconds() {
        assertThat(RateLimitHeaders.pauseMillis(Map.of("RateLimit-Remaining", List.of("0"), "RateLimit-Reset", List.of("7")), NOW))
                .hasValue(7_000);
    }

    @Test
    void xHeadersWithAnEpochResetPauseUntilThen() {
        long reset = NOW / 1000 + 12;
        assertThat(RateLimitHeaders.pauseMillis(Map.of("x-ratelimit-remaining", List.of("0"),
                "x-ratelimit-reset", List.of(Long.toString(reset))), NOW)).hasValue(12_000);
    }

    @Test
    void budgetLeftOrNoHeadersOrGarbageMeanNoPause() {
        assertThat(RateLimitHeaders.pauseMillis(Map.of("RateLimit-Remaining", List.of("3"), "RateLimit-Reset", List.of("7")), NOW)).isEmpty();
        assertThat(RateLimitHeaders.pauseMillis(Map.of(), NOW)).isEmpty();
        assertThat(RateLimitHeaders.pauseMillis(Map.of("RateLimit-Remaining", List.of("none"), "RateLimit-Reset", List.of("x")), NOW)).isEmpty();
    }

    @Test
    void aPauseNeverExceedsFifteenMinutes() {
        assertThat(RateLimitHeaders.pauseMillis(Map.of("RateLimit-Remaining", List.of("0"), "RateLimit-Reset", List.of("86400")), NOW))
                .hasValue(900_000);
    }
}
