package dev.ferry.shared.http;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.OptionalLong;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retry-After as APIs send it, odd values included: never an exception, never a negative or overflowed wait, never
 * more than {@link HttpCaller#MAX_RETRY_AFTER_SECONDS}; what cannot be read is "no Retry-After".
 */
class RetryAfterTest {

    static final long SEED = Long.getLong("ferry.test.seed", 20261211L);
    static final Instant NOW = Instant.parse("1994-11-06T08:49:30Z");

    @Test
    void plainSecondsAreTakenAsTheyAre() {
        assertThat(HttpCaller.retryAfterSeconds("7")).hasValue(7);
        assertThat(HttpCaller.retryAfterSeconds(" 7 ")).hasValue(7);
        assertThat(HttpCaller.retryAfterSeconds("0")).hasValue(0);
        assertThat(HttpCaller.retryAfterSeconds("0007")).hasValue(7);
        assertThat(HttpCaller.retryAfterSeconds("900")).hasValue(900);
    }

    @Test
    void hugeValuesAreTheCapNotAnOverflow() {
        for (String huge : new String[] {"901", "86400", "2147483648", "9223372036854775807", "9223372036854775808",
                "99999999999999999999", "1" + "0".repeat(400)}) {
            assertThat(HttpCaller.retryAfterSeconds(huge)).as(huge).hasValue(HttpCaller.MAX_RETRY_AFTER_SECONDS);
        }
    }

    @Test
    void aFractionRoundsUp() {
        assertThat(HttpCaller.retryAfterSeconds("1.5")).hasValue(2);
        assertThat(HttpCaller.retryAfterSeconds("0.001")).hasValue(1);
        assertThat(HttpCaller.retryAfterSeconds("2.000")).hasValue(2);
        assertThat(HttpCaller.retryAfterSeconds("899.0001")).hasValue(900);
        assertThat(HttpCaller.retryAfterSeconds("12345678901234567890.5")).hasValue(900);
    }

    @Test
    void negativesExponentsSignsOtherDigitsAndGarbageAreNoRetryAfter() {
        for (String bad : new String[] {"-5", "-0", "-9223372036854775808", "+5", "1e400", "1E3", "1e-3", "0x10", ".5",
                "5.", "1,5", "1 5", "١٢٠", "１２０", "soon", "NaN", "Infinity", "", "   ", "\u0000", "7\n8"}) {
            assertThat(HttpCaller.retryAfterSeconds(bad)).as("'%s'", bad).isEmpty();
        }
        assertThat(HttpCaller.retryAfterSeconds(null)).isEmpty();
    }

    @Test
    void httpDatesInAllThreeFormsCountFromNow() {
        // RFC 9110 section 5.6.7's own example, in its three forms, seven seconds ahead of NOW.
        for (String date : new String[] {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                "Sun Nov  6 08:49:37 1994"}) {
            assertThat(HeaderNumbers.retryAfterSeconds(date, NOW, 900)).as(date).hasValue(7);
        }
    }

    @Test
    void datesFarInThePastAreNowAndFarInTheFutureAreTheCap() {
        assertThat(HeaderNumbers.retryAfterSeconds("Thu, 01 Jan 1970 00:00:00 GMT", NOW, 900)).hasValue(0);
        assertThat(HeaderNumbers.retryAfterSeconds("Mon, 01 Jan 0001 00:00:00 GMT", NOW, 900)).hasValue(0);
        assertThat(HeaderNumbers.retryAfterSeconds("Fri, 31 Dec 9999 23:59:59 GMT", NOW, 900)).hasValue(900);
        assertThat(HttpCaller.retryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT")).hasValue(0);
        assertThat(HttpCaller.retryAfterSeconds("Fri, 31 Dec 9999 23:59:59 GMT")).hasValue(900);
    }

    @Test
    void datesThatAreNotDatesAreNoRetryAfter() {
        for (String bad : new String[] {"Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 32 Nov 1994 08:49:37 GMT",
                "Mon, 06 Nov 1994 08:49:37 GMT" /* wrong weekday */, "Sun, 06 Nov 99999 08:49:37 GMT", "06 Nov 1994"}) {
            assertThat(HeaderNumbers.retryAfterSeconds(bad, NOW, 900)).as(bad).isEmpty();
        }
    }

    @Test
    void anyTextGivesNothingOrAWaitWithinTheCap() {
        Random random = new Random(SEED);
        String[] pieces = {"0", "1", "9", "99999999999999999999", "-", "+", ".", "e", "E", "400", " ", "\t", "١", "٣",
                "GMT", "Sun, ", "06 Nov ", "1994 ", "9999 ", "08:49:37 ", ",", "x", "\u0000", "\uD800", "Infinity"};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder value = new StringBuilder();
            for (int k = random.nextInt(8); k >= 0; k--) {
                value.append(pieces[random.nextInt(pieces.length)]);
            }
            String text = value.toString();
            OptionalLong seconds = HttpCaller.retryAfterSeconds(text);
            assertThat(seconds.orElse(0)).as("seed %d, case %d: '%s'", SEED, i, text)
                    .isBetween(0L, (long) HttpCaller.MAX_RETRY_AFTER_SECONDS);
        }
    }
}
