package dev.ferry.testing;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ArrivalsTest {

    @Test
    void busiestWindowSlidesOverTheArrivals() throws Exception {
        Arrivals arrivals = new Arrivals();
        assertThat(arrivals.busiest(Duration.ofSeconds(1))).isZero();
        for (int i = 0; i < 3; i++) {
            arrivals.record();
        }
        Thread.sleep(300);
        arrivals.record();
        arrivals.record();

        assertThat(arrivals.count()).isEqualTo(5);
        assertThat(arrivals.busiest(Duration.ofSeconds(10))).isEqualTo(5);
        assertThat(arrivals.busiest(Duration.ofMillis(200))).as("the 300 ms gap splits them").isEqualTo(3);
        assertThat(arrivals.spanSeconds()).isGreaterThanOrEqualTo(0.3);
        assertThat(arrivals.ratePerSecond()).isGreaterThan(0);
    }

    /** Allowing lateness narrows the window it counts over: the 300 ms gap splits the arrivals of a 1 s window less 750 ms. */
    @Test
    void latenessIsTakenOffTheWindow() throws Exception {
        Arrivals arrivals = new Arrivals();
        arrivals.record();
        arrivals.record();
        Thread.sleep(300);
        arrivals.record();

        assertThat(arrivals.busiest(Duration.ofSeconds(1), Duration.ZERO)).isEqualTo(3);
        assertThat(arrivals.busiest(Duration.ofSeconds(1), Duration.ofMillis(750))).isEqualTo(2);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> arrivals.busiest(Duration.ofSeconds(1), Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
