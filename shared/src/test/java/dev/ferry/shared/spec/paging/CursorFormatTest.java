package dev.ferry.shared.spec.paging;

import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ferry.shared.time.RandomDates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CursorFormatTest {

    static final Instant SUMMER = Instant.parse("2026-07-01T10:15:30Z");
    static final Instant WINTER = Instant.parse("2026-12-01T10:15:30Z");

    @Test
    void isoInUtcByDefaultAndWithTheSourcesOffsetInItsZone() {
        assertThat(CursorFormat.of(null, null).format(SUMMER)).isEqualTo("2026-07-01T10:15:30Z");
        CursorFormat berlin = CursorFormat.of("iso-8601", "Europe/Berlin");
        assertThat(berlin.format(SUMMER)).isEqualTo("2026-07-01T12:15:30+02:00");
        assertThat(berlin.format(WINTER)).isEqualTo("2026-12-01T11:15:30+01:00");
        assertThat(berlin.parse(TextNode.valueOf("2026-07-01T12:15:30+02:00"))).isEqualTo(SUMMER);
        assertThat(berlin.parse(TextNode.valueOf("2026-07-01T12:15:30"))).as("zone-less: the source's zone").isEqualTo(SUMMER);
        assertThat(CursorFormat.of(null, null).parse(TextNode.valueOf("2026-07-01T10:15:30.250Z")))
                .isEqualTo(SUMMER.plusMillis(250));
    }

    @Test
    void epochSecondsAndMillisAsNumbersOrText() {
        CursorFormat seconds = CursorFormat.of("epoch-seconds", null);
        assertThat(seconds.format(SUMMER)).isEqualTo(Long.toString(SUMMER.getEpochSecond()));
        assertThat(seconds.parse(LongNode.valueOf(SUMMER.getEpochSecond()))).isEqualTo(SUMMER);
        assertThat(seconds.parse(TextNode.valueOf(SUMMER.getEpochSecond() + ".5"))).isEqualTo(SUMMER.plusMillis(500));
        CursorFormat millis = CursorFormat.of("epoch-millis", "Europe/Berlin");
        assertThat(millis.format(SUMMER)).isEqualTo(Long.toString(SUMMER.toEpochMilli()));
        assertThat(millis.parse(TextNode.valueOf(Long.toString(SUMMER.toEpochMilli())))).isEqualTo(SUMMER);
        assertThatThrownBy(() -> millis.parse(TextNode.valueOf("soon")))
                .hasMessage("'soon' is not a timestamp in the cursor's format unix-millis: not a number");
        assertThatThrownBy(() -> seconds.parse(IntNode.valueOf(1).textValue() == null ? TextNode.valueOf("x") : null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void patternInTheSourcesZoneAcrossDaylightSavingTime() {
        CursorFormat local = CursorFormat.of("yyyy-MM-dd HH:mm:ss", "America/New_York");
        assertThat(local.format(SUMMER)).isEqualTo("2026-07-01 06:15:30"); // EDT, UTC-4
        assertThat(local.format(WINTER)).isEqualTo("2026-12-01 05:15:30"); // EST, UTC-5
        assertThat(local.parse(TextNode.valueOf("2026-07-01 06:15:30"))).isEqualTo(SUMMER);
        assertThat(local.parse(TextNode.valueOf("2026-12-01 05:15:30"))).isEqualTo(WINTER);
        assertThat(CursorFormat.of("yyyy-MM-dd", "Asia/Tokyo").parse(TextNode.valueOf("2026-07-01")))
                .isEqualTo(Instant.parse("2026-06-30T15:00:00Z"));
        assertThatThrownBy(() -> CursorFormat.of("yyyy-MM-dd bbb", null)).hasMessageContaining("format 'yyyy-MM-dd bbb'");
    }

    // --- strict: no day is moved, no digit dropped ------------------------------------------------

    @ParameterizedTest(name = "{1} in {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "yyyy-MM-dd HH:mm:ss | 2024-02-30 10:00:00       | Invalid date 'FEBRUARY 30'",
            "yyyy-MM-dd HH:mm:ss | 2023-02-29 10:00:00       | '2023' is not a leap year",
            "dd.MM.yyyy          | 31.04.2024                | Invalid date 'APRIL 31'",
            "yyyy-MM-dd HH:mm:ss | 2024-02-28 24:00:00       | HourOfDay",
            "iso                 | 2024-04-31T10:00:00Z      | Invalid date 'APRIL 31'",
            "iso                 | 2024-02-30T10:00:00       | Invalid date 'FEBRUARY 30'",
            "unix-seconds        | 1709200800.1234567891     | more decimal places than unix-seconds can hold (9",
            "unix-seconds        | 100000000000000000000     | outside the years",
            "unix-seconds        | 9223372036854775807       | outside the years",
            "unix-millis         | 1709200800123.4567891     | more decimal places than unix-millis can hold (6",
            "unix-millis         | 1e25                      | outside the years",
    })
    void aTimestampThatDoesNotExistOrCannotBeHeldExactlyIsRefusedNamingValueAndFormat(String format, String value, String why) {
        CursorFormat cursor = CursorFormat.of(format, "Europe/Berlin");
        assertThatThrownBy(() -> cursor.parse(TextNode.valueOf(value))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'" + value + "' is not a timestamp in the cursor's format " + format + ": ")
                .hasMessageContaining(why);
    }

    @Test
    void fractionsOfEpochUnitsAreKeptToTheNanosecond() {
        assertThat(CursorFormat.of("epoch-seconds", null).parse(TextNode.valueOf("1709200800.123456789")))
                .isEqualTo(Instant.parse("2024-02-29T10:00:00.123456789Z"));
        assertThat(CursorFormat.of("epoch-millis", null).parse(new DecimalNode(new BigDecimal("1709200800123.456"))))
                .isEqualTo(Instant.parse("2024-02-29T10:00:00.123456Z"));
    }

    @Test
    void localCursorTimesInGapsMoveForwardAndInOverlapsTakeTheEarlierOffset() {
        CursorFormat berlin = CursorFormat.of("yyyy-MM-dd HH:mm:ss", "Europe/Berlin");
        assertThat(berlin.parse(TextNode.valueOf("2024-03-31 02:30:00"))).isEqualTo(Instant.parse("2024-03-31T01:30:00Z"));
        assertThat(berlin.parse(TextNode.valueOf("2024-10-27 02:30:00"))).isEqualTo(Instant.parse("2024-10-27T00:30:00Z"));
        CursorFormat sydney = CursorFormat.of("iso-8601", "Australia/Sydney");
        assertThat(sydney.parse(TextNode.valueOf("2024-10-06T02:30:00"))).isEqualTo(Instant.parse("2024-10-05T16:30:00Z"));
        assertThat(sydney.parse(TextNode.valueOf("2024-04-07T02:30:00"))).isEqualTo(Instant.parse("2024-04-06T15:30:00Z"));
    }

    @Test
    void patternsThatCannotReadWhatTheyWriteAreRefused() {
        assertThatThrownBy(() -> CursorFormat.of("yyyy-MM-dd hh:mm", null)).hasMessageContaining("incomplete time");
        assertThatThrownBy(() -> CursorFormat.of("MM-dd HH:mm", null)).hasMessageContaining("no complete date");
    }

    static final List<String> FORMATS = List.of("iso", "unix-seconds", "unix-millis", "iso-8601", "epoch-seconds", "epoch-millis",
            "yyyy-MM-dd HH:mm:ss", "uuuu-MM-dd'T'HH:mm:ss.SSSXXXXX", "dd.MM.yyyy HH:mm:ss", "MM/dd/yyyy hh:mm:ss a", "yyyyMMddHHmmss");

    @Test
    void everyCursorInstantWrittenForTheSourceReadsBackAsItself() {
        Random r = RandomDates.random("cursors");
        int overlaps = 0;
        for (int i = 0; i < RandomDates.CASES; i++) {
            String format = FORMATS.get(r.nextInt(FORMATS.size()));
            ZoneId zone = RandomDates.zone(r);
            ChronoUnit precision = format.startsWith("iso") ? ChronoUnit.NANOS
                    : format.contains("SSS") || format.endsWith("-millis") ? ChronoUnit.MILLIS : ChronoUnit.SECONDS;
            ZonedDateTime placed = RandomDates.place(r, RandomDates.local(r, zone, 1000, 9999, precision), zone);
            Instant t = placed.toInstant();
            LocalDateTime shown = t.atZone(zone).toLocalDateTime();
            if (!shown.truncatedTo(precision).equals(shown) || !t.truncatedTo(precision).equals(t)) {
                continue; // an odd-seconds historic offset moved it off the format's grid
            }
            CursorFormat cursor = CursorFormat.of(format, zone.getId());
            String written = cursor.format(t);
            Instant back = cursor.parse(TextNode.valueOf(written));
            boolean local = !format.startsWith("iso") && !format.startsWith("epoch") && !format.startsWith("unix") && !format.contains("X");
            String why = RandomDates.replay("cursors", i) + ": " + t + " in " + zone + " as " + format + " '" + written + "'";
            if (local && zone.getRules().getValidOffsets(shown).size() == 2) {
                overlaps++;
                assertThat(back).as(why + " (overlap: the earlier offset)").isEqualTo(ZonedDateTime.ofLocal(shown, zone, null).toInstant());
            } else {
                assertThat(back).as(why).isEqualTo(t);
            }
        }
        assertThat(overlaps).as("the generator reaches overlaps").isPositive();
    }

    @Test
    void theCursorSpeaksTheMappingsVocabularyAndKeepsItsFirstSpellings() {
        Instant at = Instant.parse("2026-03-01T10:00:00.123Z");
        for (String[] same : new String[][] {{"iso", "iso-8601"}, {"unix-seconds", "epoch-seconds"}, {"unix-millis", "epoch-millis"}}) {
            assertThat(CursorFormat.of(same[0], null).format(at)).isEqualTo(CursorFormat.of(same[1], null).format(at));
        }
        assertThat(CursorFormat.of("unix-seconds", null).format(at)).isEqualTo("1772359200");
        assertThatThrownBy(() -> CursorFormat.of("unix-micros-ish", null)).hasMessageContaining("neither iso, unix-seconds, unix-millis");
    }
}
