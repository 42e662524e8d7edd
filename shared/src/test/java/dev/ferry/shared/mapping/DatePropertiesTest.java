package dev.ferry.shared.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec.FieldRule;
import dev.ferry.shared.time.RandomDates;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Properties of dates in the mapping over thousands of random cases (seeded, see {@link RandomDates}): every
 * instant and every day written in a supported format, in any zone, reads back as itself; days that do not
 * exist always fail, naming field, value and format; Unix amounts are kept to the last digit or refused.
 */
class DatePropertiesTest {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    final FieldMapper mapper = new FieldMapper();

    /**
     * @param precision the finest unit the format writes
     * @param local     writes a wall-clock time without offset: an overlap's second hour reads as its first
     */
    record Format(String name, ChronoUnit precision, boolean local, int minYear, int maxYear) {
    }

    static final List<Format> INSTANT_FORMATS = List.of(
            new Format("iso", ChronoUnit.NANOS, false, -9999, 99999),
            new Format("unix-seconds", ChronoUnit.SECONDS, false, -9999, 99999),
            new Format("unix-millis", ChronoUnit.MILLIS, false, -9999, 99999),
            new Format("unix-micros", ChronoUnit.MICROS, false, -9999, 99999),
            new Format("yyyy-MM-dd HH:mm:ss", ChronoUnit.SECONDS, true, 1, 9999),
            new Format("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXXXX", ChronoUnit.NANOS, false, 1, 9999),
            new Format("dd.MM.yyyy HH:mm:ss.SSS", ChronoUnit.MILLIS, true, 1, 9999),
            new Format("MM/dd/yyyy hh:mm:ss a", ChronoUnit.SECONDS, true, 1, 9999),
            new Format("MM/dd/yyyy hh:mm a", ChronoUnit.MINUTES, true, 1, 9999),
            // ZZZZZ, not xxxxx: java reads xxxxx's "+00:00" for zero as a prefix and then cannot read "+00:00:30"
            new Format("EEE, d MMM yyyy HH:mm:ss ZZZZZ", ChronoUnit.SECONDS, false, 1, 9999),
            new Format("yy-MM-dd HH:mm:ss.SSSSSS", ChronoUnit.MICROS, true, 2000, 2099),
            new Format("yyyyMMddHHmmss", ChronoUnit.SECONDS, true, 1000, 9999),
            new Format("uuuu-MM-dd HH:mm:ss VV", ChronoUnit.SECONDS, true, 1, 9999));

    static final List<Format> DATE_FORMATS = List.of(
            new Format("iso", ChronoUnit.DAYS, false, -9999, 99999),
            new Format("yyyy-MM-dd", ChronoUnit.DAYS, false, 1, 9999),
            new Format("uuuu-MM-dd", ChronoUnit.DAYS, false, -9999, 9999),
            new Format("dd.MM.yyyy", ChronoUnit.DAYS, false, 1, 9999),
            new Format("MM/dd/uuuu", ChronoUnit.DAYS, false, 1, 9999),
            new Format("uuuuMMdd", ChronoUnit.DAYS, false, 1000, 9999),
            new Format("d MMM yyyy", ChronoUnit.DAYS, false, 1, 9999),
            new Format("EEEE, MMMM d, yyyy", ChronoUnit.DAYS, false, 1, 9999),
            new Format("yy-MM-dd", ChronoUnit.DAYS, false, 2000, 2099),
            new Format("yyyy-DDD", ChronoUnit.DAYS, false, 1, 9999));

    static FieldRule rule(String type, String format, String output, ZoneId zone) {
        ObjectNode node = NODES.objectNode().put("from", "/v").put("type", type).put("format", format).put("output", output)
                .put("zone", zone.getId());
        try {
            return Json.MAPPER.treeToValue(node, FieldRule.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    JsonNode map(FieldRule rule, JsonNode value) {
        return mapper.map(Map.of("out", rule), NODES.objectNode().set("v", value)).get("out");
    }

    static Instant instant(JsonNode iso) {
        return OffsetDateTime.parse(iso.asText()).toInstant();
    }

    @Test
    void everyInstantWrittenInAFormatAndZoneReadsBackAsItself() {
        Random r = RandomDates.random("instants");
        int overlapsSeen = 0;
        int checked = 0;
        for (int i = 0; i < RandomDates.CASES * 2; i++) {
            String why = RandomDates.replay("instants", i);
            Format f = INSTANT_FORMATS.get(r.nextInt(INSTANT_FORMATS.size()));
            ZoneId zone = RandomDates.zone(r);
            LocalDateTime wall = RandomDates.local(r, zone, f.minYear(), f.maxYear(), f.precision());
            Instant t = RandomDates.place(r, wall, zone).toInstant();
            LocalDateTime shown = t.atZone(zone).toLocalDateTime();
            if (!shown.truncatedTo(f.precision()).equals(shown) || shown.getYear() < f.minYear() || shown.getYear() > f.maxYear()) {
                continue; // a historic gap of odd seconds moved it off the format's grid, or out of its years
            }
            checked++;
            why += ": " + t + " in " + zone + " as " + f.name();

            JsonNode written = map(rule("datetime", "iso", f.name(), zone), NODES.textNode(t.toString()));
            Instant back = instant(map(rule("datetime", f.name(), "iso", zone), written));

            if (f.local() && zone.getRules().getValidOffsets(shown).size() == 2) {
                overlapsSeen++;
                assertThat(back).as(why + " (overlap: the earlier offset)").isEqualTo(ZonedDateTime.ofLocal(shown, zone, null).toInstant());
            } else {
                assertThat(back).as(why + ", written " + written).isEqualTo(t);
            }
        }
        assertThat(checked).as("cases that ran").isGreaterThan(RandomDates.CASES);
        assertThat(overlapsSeen).as("the generator reaches daylight-saving overlaps").isGreaterThan(10);
    }

    @Test
    void everyDayWrittenInADateFormatReadsBackAsItselfAndStartsWhenItsDayStartsInTheZone() {
        Random r = RandomDates.random("days");
        for (int i = 0; i < RandomDates.CASES; i++) {
            Format f = DATE_FORMATS.get(r.nextInt(DATE_FORMATS.size()));
            ZoneId zone = RandomDates.zone(r);
            LocalDate day = RandomDates.date(r, f.minYear(), f.maxYear());
            String why = RandomDates.replay("days", i) + ": " + day + " in " + zone + " as " + f.name();

            JsonNode written = map(rule("date", "iso", f.name(), zone), NODES.textNode(day.toString()));
            assertThat(map(rule("date", f.name(), "iso", zone), written).asText()).as(why + ", written " + written)
                    .isEqualTo(day.toString());

            Instant start = instant(map(rule("datetime", f.name(), "iso", zone), written));
            assertThat(start).as(why + ": the day's first instant").isEqualTo(day.atStartOfDay(zone).toInstant());
            assertThat(start.atZone(zone).toLocalDate()).as(why).isEqualTo(day);
        }
    }

    /** A day that does not exist, as y-m-d parts (day 0, month 0 or 13, a day past the month's end, Feb 29 of a common year). */
    static int[] impossibleDay(Random r, int minYear, int maxYear) {
        int year = minYear + r.nextInt(maxYear - minYear + 1);
        return switch (r.nextInt(5)) {
            case 0 -> {
                int common = year;
                while (Year.isLeap(common)) {
                    common = common < maxYear ? common + 1 : common - 1;
                }
                yield new int[] {common, 2, 29 + (Year.isLeap(common) ? 1 : 0)};
            }
            case 1 -> new int[] {year, 1 + r.nextInt(12), 0};
            case 2 -> new int[] {year, r.nextBoolean() ? 0 : 13, 1 + r.nextInt(28)};
            default -> {
                int month = new int[] {2, 4, 6, 9, 11}[r.nextInt(5)];
                int length = LocalDate.of(year, month, 1).lengthOfMonth();
                yield new int[] {year, month, length + 1 + r.nextInt(31 - length)};
            }
        };
    }

    /** How a format writes y-m-d parts, valid or not, plus a valid time where the format has one. */
    record Shape(String format, int minYear, int maxYear, Function<int[], String> text) {
    }

    static final List<Shape> SHAPES = List.of(
            new Shape("iso", 1, 9999, d -> "%04d-%02d-%02d".formatted(d[0], d[1], d[2])),
            new Shape("iso", 1, 9999, d -> "%04d-%02d-%02dT10:15:30Z".formatted(d[0], d[1], d[2])),
            new Shape("iso", 1, 9999, d -> "%04d-%02d-%02dT23:59:59.5+05:30".formatted(d[0], d[1], d[2])),
            new Shape("iso", 1, 9999, d -> "%04d-%02d-%02dT00:00".formatted(d[0], d[1], d[2])),
            new Shape("yyyy-MM-dd", 1, 9999, d -> "%04d-%02d-%02d".formatted(d[0], d[1], d[2])),
            new Shape("uuuu-MM-dd", 1, 9999, d -> "%04d-%02d-%02d".formatted(d[0], d[1], d[2])),
            new Shape("dd.MM.yyyy", 1, 9999, d -> "%02d.%02d.%04d".formatted(d[2], d[1], d[0])),
            new Shape("MM/dd/yyyy", 1, 9999, d -> "%02d/%02d/%04d".formatted(d[1], d[2], d[0])),
            new Shape("yy-MM-dd", 2000, 2099, d -> "%02d-%02d-%02d".formatted(d[0] % 100, d[1], d[2])),
            new Shape("uuuuMMdd", 1000, 9999, d -> "%04d%02d%02d".formatted(d[0], d[1], d[2])),
            new Shape("yyyy-MM-dd HH:mm:ss", 1, 9999, d -> "%04d-%02d-%02d 12:00:00".formatted(d[0], d[1], d[2])),
            new Shape("MM/dd/yyyy hh:mm a", 1, 9999, d -> "%02d/%02d/%04d 12:30 PM".formatted(d[1], d[2], d[0])),
            new Shape("dd.MM.yyyy HH:mm", 1, 9999, d -> "%02d.%02d.%04d 00:00".formatted(d[2], d[1], d[0])));

    @Test
    void aDayThatDoesNotExistAlwaysFailsNamingFieldValueAndFormat() {
        Random r = RandomDates.random("impossible");
        for (int i = 0; i < RandomDates.CASES; i++) {
            Shape shape = SHAPES.get(r.nextInt(SHAPES.size()));
            String text = shape.text().apply(impossibleDay(r, shape.minYear(), shape.maxYear()));
            String type = r.nextBoolean() ? "date" : "datetime";
            ZoneId zone = RandomDates.zone(r);
            String why = RandomDates.replay("impossible", i) + ": '" + text + "' as " + type + " in " + shape.format();

            Throwable t = catchThrowable(() -> map(rule(type, shape.format(), "iso", zone), NODES.textNode(text)));

            assertThat(t).as(why + " must fail, not become another day").isInstanceOf(MappingException.class);
            assertThat(t.getMessage()).as(why).startsWith("field 'out' (from /v): '" + text + "' is not a " + type
                    + " in format " + shape.format() + ": ").containsPattern("Invalid (date|value)");
        }
    }

    @Test
    void unixAmountsKeepEveryDigitOrAreRefused() throws Exception {
        Random r = RandomDates.random("unix");
        String[] units = {"unix-seconds", "unix-millis", "unix-micros"};
        int[] places = {9, 6, 3};
        ZoneId utc = java.time.ZoneOffset.UTC;
        int refused = 0;
        for (int i = 0; i < RandomDates.CASES; i++) {
            int u = r.nextInt(3);
            // whole units within the years -9999 to 9999, then 0 to 12 decimals, the last one not zero
            long whole = (long) ((r.nextDouble() * 2 - 1) * 253_402_300_799L * Math.pow(1000, u));
            int decimals = r.nextInt(13);
            StringBuilder text = new StringBuilder(Long.toString(whole));
            if (decimals > 0) {
                text.append('.');
                for (int d = 1; d < decimals; d++) {
                    text.append(r.nextInt(10));
                }
                text.append(1 + r.nextInt(9));
            }
            BigDecimal amount = new BigDecimal(text.toString());
            JsonNode value = r.nextBoolean() ? NODES.textNode(text.toString()) : Json.MAPPER.readTree(text.toString());
            String why = RandomDates.replay("unix", i) + ": " + value + " " + units[u];
            FieldRule same = rule("datetime", units[u], units[u], utc);

            if (decimals <= places[u]) {
                Instant at = instant(map(rule("datetime", units[u], "iso", utc), value));
                BigDecimal back = BigDecimal.valueOf(at.getEpochSecond()).add(BigDecimal.valueOf(at.getNano(), 9)).movePointRight(3 * u);
                assertThat(back).as(why + " read as " + at).isEqualByComparingTo(amount);
                if (decimals == 0) {
                    assertThat(new BigDecimal(map(same, value).asText())).as(why).isEqualByComparingTo(amount);
                } else {
                    assertThat(catchThrowable(() -> map(same, value))).as(why + ": a fraction of the unit cannot be written in it")
                            .isInstanceOf(MappingException.class).hasMessageContaining("cannot be written as " + units[u]);
                }
            } else {
                refused++;
                Throwable t = catchThrowable(() -> map(same, value));
                assertThat(t).as(why).isInstanceOf(MappingException.class);
                assertThat(t.getMessage()).as(why).contains("is not a datetime in format " + units[u])
                        .contains("more decimal places than " + units[u] + " can hold (" + places[u]);
            }
        }
        assertThat(refused).as("some amounts had too many decimals").isGreaterThan(RandomDates.CASES / 10);
    }
}
