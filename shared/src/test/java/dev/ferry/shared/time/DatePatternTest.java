package dev.ferry.shared.time;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class DatePatternTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void readsADayALocalTimeOrAnExactInstantAsTheTextSays() {
        assertThat(DatePattern.ISO.read("2024-02-29")).isEqualTo(new Reading.Day(LocalDate.of(2024, 2, 29), null));
        assertThat(DatePattern.ISO.read("2024-02-29T10:15")).isEqualTo(new Reading.Local(LocalDateTime.of(2024, 2, 29, 10, 15)));
        assertThat(DatePattern.ISO.read("2024-02-29T10:15:00+01:00"))
                .isEqualTo(new Reading.Exact(Instant.parse("2024-02-29T09:15:00Z")));
        assertThat(DatePattern.of("yyyy-MM-dd XXX").read("2024-02-29 +05:30"))
                .isEqualTo(new Reading.Day(LocalDate.of(2024, 2, 29), ZoneOffset.ofHoursMinutes(5, 30)));
        assertThat(DatePattern.of("yyyy-MM-dd XXX").read("2024-02-29 +05:30").instant(ZoneOffset.UTC))
                .as("a day with an offset starts in that offset").isEqualTo(Instant.parse("2024-02-28T18:30:00Z"));
    }

    @Test
    void aZoneInTheTextPlacesTheTimeByTheGapAndOverlapRuleAndAnOffsetBesideItDecides() {
        DatePattern zoned = DatePattern.of("uuuu-MM-dd HH:mm VV");
        assertThat(zoned.read("2024-10-27 02:30 Europe/Berlin").instant(ZoneOffset.UTC)).isEqualTo(Instant.parse("2024-10-27T00:30:00Z"));
        assertThat(zoned.read("2024-03-31 02:30 Europe/Berlin").instant(ZoneOffset.UTC)).isEqualTo(Instant.parse("2024-03-31T01:30:00Z"));
        DatePattern both = DatePattern.of("uuuu-MM-dd HH:mmXXX'['VV']'");
        assertThat(both.read("2024-10-27 02:30+01:00[Europe/Berlin]").instant(ZoneOffset.UTC))
                .as("the offset picks the overlap's second hour").isEqualTo(Instant.parse("2024-10-27T01:30:00Z"));
    }

    @Test
    void theEraIsDefaultedOnlyForYearOfEraOutsideQuotes() {
        assertThat(DatePattern.of("'y:' yyyy-MM-dd").read("y: 2024-02-29").date(BERLIN)).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(DatePattern.of("'year' uuuu-MM-dd").read("year -0001-02-28").date(BERLIN)).isEqualTo(LocalDate.of(-1, 2, 28));
        assertThat(DatePattern.of("'it''s' yyyy-MM-dd").read("it's 2024-02-29").date(BERLIN)).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(DatePattern.of("yyyy-MM-dd G").read("0001-01-01 BCE").date(BERLIN)).isEqualTo(LocalDate.of(0, 1, 1));
        assertThatThrownBy(() -> DatePattern.of("yyyy-MM-dd").read("2024-02-30")).isInstanceOf(DateValueException.class)
                .hasMessage("Invalid date 'FEBRUARY 30'");
        assertThatThrownBy(() -> DatePattern.of("yyyy-MM-dd").read("2024-2-3")).hasMessage("does not fit the format at character 6");
    }

    @Test
    void problemsSayWhatAPatternCannotDo() {
        assertThat(DatePattern.problem("yyyy-MM-dd HH:mm:ss", DatePattern.Use.READ)).isNull();
        assertThat(DatePattern.problem("MM/dd/yyyy hh:mm a", DatePattern.Use.READ)).isNull();
        assertThat(DatePattern.problem("EEEE", DatePattern.Use.WRITE_DATE)).as("an output may say less than it reads").isNull();
        assertThat(DatePattern.problem("EEEE", DatePattern.Use.READ)).contains("no complete date");
        assertThat(DatePattern.problem("YYYY-MM-dd", DatePattern.Use.READ)).contains("week-based year");
        assertThat(DatePattern.problem("HH:mm", DatePattern.Use.WRITE_DATE)).contains("asks for a time or a zone");
        assertThat(DatePattern.problem("yyyy-MM-dd bbb", DatePattern.Use.WRITE_INSTANT)).contains("Unknown pattern letter: b");
    }

    @Test
    void epochAmountsWithHugeExponentsAreRefusedWithoutExpandingThem() {
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
            for (String amount : new String[] {"1e999999999", "-1e999999999", "1e-999999999", "0e-999999999", "0e999999999"}) {
                for (EpochUnit unit : EpochUnit.values()) {
                    try {
                        assertThat(unit.toInstant(new BigDecimal(amount))).as(amount).isEqualTo(Instant.EPOCH);
                    } catch (DateValueException expected) {
                        assertThat(amount).doesNotStartWith("0");
                    }
                }
            }
        });
    }

    @Test
    void epochUnitsHoldTheLastInstantOfEveryZoneAndNoMore() {
        Instant last = LocalDateTime.MAX.toInstant(ZoneOffset.UTC);
        assertThat(EpochUnit.MICROS.toInstant(new BigDecimal(EpochUnit.MICROS.of(last.minusNanos(999))))).isEqualTo(last.minusNanos(999));
        assertThat(EpochUnit.SECONDS.toInstant(new BigDecimal("31556889832780799.999999999"))).isEqualTo(last);
        assertThatThrownBy(() -> EpochUnit.SECONDS.toInstant(new BigDecimal("31556889832780800"))).hasMessageContaining("outside");
        Instant first = LocalDateTime.MIN.toInstant(ZoneOffset.UTC);
        assertThat(EpochUnit.MILLIS.toInstant(new BigDecimal(EpochUnit.MILLIS.of(first)))).isEqualTo(first);
        assertThatThrownBy(() -> EpochUnit.MILLIS.toInstant(new BigDecimal(EpochUnit.MILLIS.of(first)).subtract(BigDecimal.ONE)))
                .hasMessageContaining("outside");
    }
}
