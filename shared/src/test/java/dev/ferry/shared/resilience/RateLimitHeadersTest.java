package dev.ferry.shared.resilience;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitHeadersTest {

    static final long NOW = 1_800_000_000_000L;
    static final long SEED = Long.getLong("ferry.test.seed", 20261211L);

    static OptionalLong pause(String remaining, String reset) {
        return RateLimitHeaders.pauseMillis(Map.of("RateLimit-Remaining", List.of(remaining), "RateLimit-Reset", List.of(reset)), NOW);
    }

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

    @Test
    void hugeResetsAreTheCapNeverAnOverflow() {
        // 9223372036854775807 * 1000 wraps to a negative number: the pause must still be the cap, not zero.
        for (String huge : new String[] {"9223372036854775807", "9223372036854775808", "99999999999999999999",
                "1" + "0".repeat(400), "1000000000000000000"}) {
            assertThat(pause("0", huge)).as(huge).hasValue(RateLimitHeaders.MAX_PAUSE_MILLIS);
            assertThat(RateLimitHeaders.pauseMillis(Map.of("x-ratelimit-remaining", List.of("0"), "x-ratelimit-reset",
                    List.of(huge)), NOW)).as("x-ratelimit-reset " + huge).hasValue(RateLimitHeaders.MAX_PAUSE_MILLIS);
        }
    }

    @Test
    void aFractionalResetIsExactToTheMillisecond() {
        assertThat(pause("0", "1.5")).hasValue(1_500);
        assertThat(pause("0", "0.0001")).hasValue(1);
        assertThat(pause("0", "2.000")).hasValue(2_000);
    }

    @Test
    void anEpochResetInThePastIsNoWaitAndOneFarAheadIsTheCap() {
        assertThat(pause("0", Long.toString(NOW / 1000 - 3600))).hasValue(0);
        assertThat(pause("0", Long.toString(NOW / 1000 + 86_400))).hasValue(RateLimitHeaders.MAX_PAUSE_MILLIS);
    }

    @Test
    void negativesExponentsOtherDigitsAndGarbageAreIgnored() {
        for (String[] bad : new String[][] {{"0", "-5"}, {"0", "-9223372036854775808"}, {"0", "1e400"}, {"0", "1E3"},
                {"0", "١٠"}, {"0", "+7"}, {"0", ""}, {"-1", "7"}, {"1e400", "7"}, {"٠", "7"}, {"0.0.0", "7"}, {"", ""}}) {
            assertThat(pause(bad[0], bad[1])).as("remaining '%s', reset '%s'", bad[0], bad[1]).isEmpty();
        }
    }

    @Test
    void anyHeaderValuesGiveNoPauseOrOneWithinTheCap() {
        Random random = new Random(SEED);
        String[] pieces = {"0", "1", "9", "1800000000", "9223372036854775807", "-", "+", ".", "e", "400", " ", "١", "x", "\uD800"};
        for (int i = 0; i < 20_000; i++) {
            String remaining = random.nextInt(3) == 0 ? "0" : text(random, pieces);
            String reset = text(random, pieces);
            String prefix = random.nextBoolean() ? "RateLimit-" : "X-RateLimit-";
            OptionalLong pause = RateLimitHeaders.pauseMillis(Map.of(prefix + "Remaining", List.of(remaining),
                    prefix + "Reset", List.of(reset)), NOW);
            assertThat(pause.orElse(0)).as("seed %d, case %d: remaining '%s', reset '%s'", SEED, i, remaining, reset)
                    .isBetween(0L, RateLimitHeaders.MAX_PAUSE_MILLIS);
        }
    }

    private static String text(Random random, String[] pieces) {
        StringBuilder out = new StringBuilder();
        for (int k = random.nextInt(5); k >= 0; k--) {
            out.append(pieces[random.nextInt(pieces.length)]);
        }
        return out.toString();
    }
}
