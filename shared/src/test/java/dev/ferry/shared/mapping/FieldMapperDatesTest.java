package dev.ferry.shared.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.json.Json;
import dev.ferry.shared.spec.IntegrationSpec.FieldRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Dates and times in the mapping: a day that does not exist fails the record naming field, value and format
 * (java.time's default resolver would move 2024-02-30 to 2024-02-29); Unix timestamps are never rounded;
 * local times in daylight-saving gaps and overlaps follow one documented rule.
 */
class FieldMapperDatesTest {

    final FieldMapper mapper = new FieldMapper();

    static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A rule from its JSON spelling, e.g. {@code {"type":"date","format":"dd.MM.yyyy"}}; from is /v. */
    static FieldRule rule(String json) {
        try {
            var node = (com.fasterxml.jackson.databind.node.ObjectNode) json(json);
            node.put("from", "/v");
            return Json.MAPPER.treeToValue(node, FieldRule.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    JsonNode map(String ruleJson, JsonNode value) {
        var source = Json.MAPPER.createObjectNode().set("v", value);
        return mapper.map(Map.of("out", rule(ruleJson)), source).get("out");
    }

    JsonNode map(String ruleJson, String value) {
        return map(ruleJson, Json.MAPPER.getNodeFactory().textNode(value));
    }

    MappingException failure(String ruleJson, JsonNode value) {
        Throwable t = catchThrowable(() -> map(ruleJson, value));
        assertThat(t).as("%s with %s", value, ruleJson).isInstanceOf(MappingException.class);
        MappingException e = (MappingException) t;
        assertThat(e.field()).isEqualTo("out");
        assertThat(e.sourcePath()).isEqualTo("/v");
        return e;
    }

    MappingException failure(String ruleJson, String value) {
        return failure(ruleJson, Json.MAPPER.getNodeFactory().textNode(value));
    }

    static String datetime(String format) {
        return "{\"type\":\"datetime\",\"format\":\"" + format + "\"}";
    }

    static String date(String format) {
        return "{\"type\":\"date\",\"format\":\"" + format + "\"}";
    }

    // --- the issue: days that do not exist ------------------------------------------------------

    @ParameterizedTest(name = "{1} in {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "yyyy-MM-dd HH:mm:ss | 2024-02-30 10:00:00 | Invalid date 'FEBRUARY 30'",
            "yyyy-MM-dd HH:mm:ss | 2023-02-29 10:00:00 | '2023' is not a leap year",
            "yyyy-MM-dd HH:mm:ss | 2024-04-31 10:00:00 | Invalid date 'APRIL 31'",
            "dd.MM.yyyy          | 30.02.2024          | Invalid date 'FEBRUARY 30'",
            "dd.MM.yyyy          | 29.02.2023          | '2023' is not a leap year",
            "dd.MM.yyyy          | 31.04.2024          | Invalid date 'APRIL 31'",
            "uuuu-MM-dd          | 2024-02-30          | Invalid date 'FEBRUARY 30'",
            "yy-MM-dd            | 23-02-29            | '2023' is not a leap year",
            "MM/dd/yyyy hh:mm a  | 04/31/2024 10:15 AM | Invalid date 'APRIL 31'",
            "yyyy-MM-dd          | 1900-02-29          | '1900' is not a leap year",
            "yyyy-MM-dd          | 2024-13-01          | MonthOfYear",
            "yyyy-MM-dd          | 2024-06-00          | DayOfMonth",
            "yyyy-MM-dd HH:mm:ss | 2024-02-28 24:00:00 | HourOfDay",
            "yyyy-MM-dd HH:mm:ss | 2024-02-28 10:60:00 | MinuteOfHour",
            "MM/dd/yyyy hh:mm a  | 02/28/2024 13:15 PM | ClockHourOfAmPm",
            "MM/dd/yyyy hh:mm a  | 02/28/2024 00:15 AM | ClockHourOfAmPm",
            "iso                 | 2024-02-30          | Invalid date 'FEBRUARY 30'",
            "iso                 | 2023-02-29T10:00:00 | '2023' is not a leap year",
            "iso                 | 2024-04-31T10:00:00Z | Invalid date 'APRIL 31'",
            "iso                 | 2024-04-31T10:00:00+02:00 | Invalid date 'APRIL 31'",
    })
    void aDayOrTimeThatDoesNotExistFailsTheRecordNamingFieldValueAndFormat(String format, String value, String why) {
        for (String type : new String[] {"datetime", "date"}) {
            MappingException e = failure("{\"type\":\"" + type + "\",\"format\":\"" + format + "\"}", value);
            assertThat(e.getMessage())
                    .contains("field 'out' (from /v)")
                    .contains("'" + value + "' is not a " + type + " in format " + format)
                    .contains(why);
        }
    }

    @ParameterizedTest(name = "{1} in {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "yyyy-MM-dd HH:mm:ss | 2024-02-29 10:00:00 | 2024-02-29T10:00:00Z",
            "uuuu-MM-dd HH:mm:ss | 2024-04-30 23:59:59 | 2024-04-30T23:59:59Z",
            "dd.MM.yyyy          | 29.02.2024          | 2024-02-29T00:00:00Z",
            "dd.MM.yyyy          | 29.02.2000          | 2000-02-29T00:00:00Z",
            "yy-MM-dd            | 24-02-29            | 2024-02-29T00:00:00Z",
            "yy-MM-dd            | 99-12-31            | 2099-12-31T00:00:00Z",
            "MM/dd/yyyy hh:mm a  | 02/29/2024 12:30 AM | 2024-02-29T00:30:00Z",
            "MM/dd/yyyy hh:mm a  | 02/29/2024 12:30 PM | 2024-02-29T12:30:00Z",
            "MM/dd/yyyy hh:mm a  | 12/31/2024 11:59 PM | 2024-12-31T23:59:00Z",
            "EEE, d MMM yyyy HH:mm:ss Z | Thu, 29 Feb 2024 10:00:00 +0100 | 2024-02-29T09:00:00Z",
            "yyyy-MM-dd'T'HH:mm:ss.SSSXXX | 2024-02-29T10:00:00.250+05:30 | 2024-02-29T04:30:00.25Z",
            "iso                 | 2024-02-29T10:00:00Z | 2024-02-29T10:00:00Z",
            "iso                 | 2024-02-29t10:00z   | 2024-02-29T10:00:00Z",
            "iso                 | 2024-02-29T10:00:00.123456789-03:00 | 2024-02-29T13:00:00.123456789Z",
            "iso                 | 2024-02-29T10:00:00 | 2024-02-29T10:00:00Z",
            "iso                 | 2024-02-29          | 2024-02-29T00:00:00Z",
            "iso                 | +10000-01-01T00:00:00Z | +10000-01-01T00:00:00Z",
    })
    void realDaysAreReadInEveryFormat(String format, String value, String expected) {
        assertThat(map(datetime(format), value).asText()).isEqualTo(expected);
    }

    @Test
    void aDayOfTheWeekThatContradictsTheDateFails() {
        assertThat(failure(datetime("EEE, d MMM yyyy"), "Mon, 29 Feb 2024").getMessage()).contains("DayOfWeek");
    }

    @Test
    void yyyyAndUuuuDifferOnlyBeforeYearOne() {
        assertThat(map("{\"type\":\"date\",\"format\":\"uuuu-MM-dd\"}", "-0005-03-01").asText()).isEqualTo("-0005-03-01");
        assertThat(map("{\"type\":\"date\",\"output\":\"uuuu-MM-dd\"}", "-0005-03-01").asText()).isEqualTo("-0005-03-01");
        // yyyy without an era would write 6 BC as 0006 and so read it back as AD 6: refused.
        assertThat(failure("{\"type\":\"date\",\"output\":\"yyyy-MM-dd\"}", "-0005-03-01").getMessage())
                .contains("cannot be written as yyyy-MM-dd").contains("year -5").contains("'u'");
        assertThat(map("{\"type\":\"date\",\"output\":\"yyyy-MM-dd G\"}", "-0005-03-01").asText()).isEqualTo("0006-03-01 BCE");
    }

    // --- date: the day as written, or the day of an instant in the zone ----------------------------

    @Test
    void aDateKeepsTheDayItNamesAndAnInstantTakesItsDayInTheZone() {
        String berlin = "{\"type\":\"date\",\"zone\":\"Europe/Berlin\"}";
        assertThat(map(berlin, "2024-02-29").asText()).isEqualTo("2024-02-29");
        assertThat(map(berlin, "2024-02-29T23:30:00").asText()).as("local time: its own day").isEqualTo("2024-02-29");
        assertThat(map(berlin, "2024-02-29T23:30:00Z").asText()).as("instant: the day in Berlin").isEqualTo("2024-03-01");
        assertThat(map("{\"type\":\"date\",\"format\":\"dd.MM.yyyy\",\"output\":\"MM/dd/yyyy\",\"zone\":\"Pacific/Kiritimati\"}",
                "29.02.2024").asText()).isEqualTo("02/29/2024");
        assertThat(map("{\"type\":\"date\",\"format\":\"unix-seconds\",\"zone\":\"America/New_York\"}", json("1709182800"))
                .asText()).as("2024-02-29T05:00Z is midnight in New York").isEqualTo("2024-02-29");
    }

    // --- Unix timestamps: exact, never rounded --------------------------------------------------

    @ParameterizedTest(name = "{1} {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "unix-seconds | 1709200800             | 2024-02-29T10:00:00Z",
            "unix-seconds | 1709200800.5           | 2024-02-29T10:00:00.5Z",
            "unix-seconds | 1709200800.123456789   | 2024-02-29T10:00:00.123456789Z",
            "unix-seconds | 1709200800.12345678900 | 2024-02-29T10:00:00.123456789Z",
            "unix-seconds | 1.7092008E9            | 2024-02-29T10:00:00Z",
            "unix-seconds | -1.5                   | 1969-12-31T23:59:58.5Z",
            "unix-millis  | 1709200800123          | 2024-02-29T10:00:00.123Z",
            "unix-millis  | 1709200800123.456789   | 2024-02-29T10:00:00.123456789Z",
            "unix-micros  | 1709200800123456       | 2024-02-29T10:00:00.123456Z",
            "unix-micros  | 1709200800123456.789   | 2024-02-29T10:00:00.123456789Z",
            "unix-micros  | -1                     | 1969-12-31T23:59:59.999999Z",
    })
    void unixTimestampsAreReadExactlyAsNumbersOrTexts(String format, String value, String expected) {
        assertThat(map(datetime(format), json(value)).asText()).as("JSON number").isEqualTo(expected);
        assertThat(map(datetime(format), " " + value + " ").asText()).as("text").isEqualTo(expected);
    }

    @ParameterizedTest(name = "{1} {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "unix-seconds | 1709200800.1234567891 | more decimal places than unix-seconds can hold (9",
            "unix-millis  | 1709200800123.4567891 | more decimal places than unix-millis can hold (6",
            "unix-micros  | 1709200800123456.7891 | more decimal places than unix-micros can hold (3",
            "unix-seconds | 9223372036854775807   | outside the years -999999999 to 999999999",
            "unix-seconds | 31556889832780800     | outside the years",
            "unix-seconds | -31557014135596801    | outside the years",
            "unix-millis  | 1e30                  | outside the years",
            "unix-seconds | 1e999999999           | outside the years",
            "unix-seconds | 1e-999999999          | more decimal places",
    })
    void unixTimestampsThatAnInstantCannotHoldFailWithAReason(String format, String value, String why) {
        for (JsonNode node : new JsonNode[] {json(value), Json.MAPPER.getNodeFactory().textNode(value)}) {
            assertThat(failure(datetime(format), node).getMessage())
                    .contains("'" + node.asText() + "' is not a datetime in format " + format + ": ").contains(why);
        }
    }

    @Test
    void unixTimestampsThatAreNotNumbersFail() {
        assertThat(failure(datetime("unix-seconds"), "soon").getMessage()).contains("'soon'").contains("not a number");
        assertThat(failure(datetime("unix-millis"), json("true")).getMessage()).contains("not a number");
    }

    @Test
    void unixOutputsAreExactOrTheRecordFails() {
        String seconds = "{\"type\":\"datetime\",\"output\":\"unix-seconds\"}";
        assertThat(map(seconds, "2024-02-29T10:00:00Z")).hasToString("1709200800");
        assertThat(failure(seconds, "2024-02-29T10:00:00.5Z").getMessage())
                .contains("cannot be written as unix-seconds").contains("fraction of a second (.5 s)").contains("never truncated");
        String millis = "{\"type\":\"datetime\",\"output\":\"unix-millis\"}";
        assertThat(map(millis, "2024-02-29T10:00:00.123Z")).hasToString("1709200800123");
        assertThat(failure(millis, "2024-02-29T10:00:00.1234Z").getMessage()).contains("(.1234 s)");
        String micros = "{\"type\":\"datetime\",\"output\":\"unix-micros\"}";
        assertThat(map(micros, "2024-02-29T10:00:00.123456Z")).hasToString("1709200800123456");
        assertThat(map(micros, "+999999999-12-31T23:59:59.999999Z")).as("beyond a long: an exact big integer")
                .hasToString("31556889832780799999999");
        assertThat(map("{\"type\":\"datetime\",\"format\":\"unix-millis\",\"output\":\"unix-seconds\"}", json("-1000")))
                .hasToString("-1");
    }

    @Test
    void anInstantTheZoneCannotShowFailsInsteadOfThrowing() {
        MappingException e = failure("{\"type\":\"datetime\",\"format\":\"unix-seconds\",\"zone\":\"+14:00\"}",
                json("31556889832780799"));
        assertThat(e.getMessage()).contains("cannot be written as iso").contains("outside the years");
    }

    @Test
    void aPatternTheLoaderWouldRefuseStillFailsTheRecordRatherThanThrowing() {
        // The mapper may be handed rules that never went through SpecLoader (tests, tools).
        assertThat(failure("{\"type\":\"date\",\"output\":\"yyyy-MM-dd HH:mm\"}", "2024-02-29").getMessage())
                .contains("cannot be written as yyyy-MM-dd HH:mm");
        assertThat(failure("{\"type\":\"date\",\"output\":\"unix-seconds\"}", "2024-02-29").getMessage())
                .contains("cannot be written as unix-seconds");
        assertThat(failure(datetime("yyyy-MM-dd hh:mm"), "2024-02-29 03:30").getMessage())
                .as("an hour of AM/PM without the marker is not silently dropped").contains("incomplete time");
        assertThat(failure(datetime("MM-dd"), "02-29").getMessage()).contains("no complete date");
    }

    // --- daylight saving: gap -> moved forward by the gap, overlap -> the earlier offset ---------------

    @ParameterizedTest(name = "{0} {1} ({2})")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            // zone            | local time          | kind    | instant                 | written back in the zone
            "Europe/Berlin     | 2024-03-31 02:30:00 | gap     | 2024-03-31T01:30:00Z    | 2024-03-31T03:30:00+02:00",
            "Europe/Berlin     | 2024-10-27 02:30:00 | overlap | 2024-10-27T00:30:00Z    | 2024-10-27T02:30:00+02:00",
            "America/New_York  | 2024-03-10 02:30:00 | gap     | 2024-03-10T07:30:00Z    | 2024-03-10T03:30:00-04:00",
            "America/New_York  | 2024-11-03 01:30:00 | overlap | 2024-11-03T05:30:00Z    | 2024-11-03T01:30:00-04:00",
            "Australia/Sydney  | 2024-10-06 02:30:00 | gap     | 2024-10-05T16:30:00Z    | 2024-10-06T03:30:00+11:00",
            "Australia/Sydney  | 2024-04-07 02:30:00 | overlap | 2024-04-06T15:30:00Z    | 2024-04-07T02:30:00+11:00",
            "America/Santiago  | 2024-09-08 00:30:00 | gap     | 2024-09-08T04:30:00Z    | 2024-09-08T01:30:00-03:00",
            "America/Santiago  | 2024-04-06 23:30:00 | overlap | 2024-04-07T02:30:00Z    | 2024-04-06T23:30:00-03:00",
    })
    void localTimesInDaylightSavingGapsMoveForwardAndInOverlapsTakeTheEarlierOffset(String zone, String local, String kind,
                                                                                    String instant, String written) {
        LocalDateTime time = LocalDateTime.parse(local.replace(' ', 'T'));
        assertThat(ZoneId.of(zone).getRules().getValidOffsets(time)).as("%s is a %s in %s", local, kind, zone)
                .hasSize(kind.equals("gap") ? 0 : 2);
        String toUtc = "{\"type\":\"datetime\",\"format\":\"yyyy-MM-dd HH:mm:ss\",\"zone\":\"" + zone + "\",\"output\":\"unix-seconds\"}";
        assertThat(java.time.Instant.ofEpochSecond(map(toUtc, local).asLong())).hasToString(instant);
        String iso = "{\"type\":\"datetime\",\"zone\":\"" + zone + "\"}";
        assertThat(map(iso, local.replace(' ', 'T')).asText()).as("zone-less ISO, the same rule").isEqualTo(written);
        if (kind.equals("gap")) {
            Duration gap = ZoneId.of(zone).getRules().getTransition(time).getDuration();
            assertThat(LocalDateTime.parse(written.substring(0, 19))).isEqualTo(time.plus(gap));
        }
    }

    @Test
    void aDateWhoseMidnightFallsInAGapStartsWhenTheDayDoes() {
        // Chile moves its clocks at midnight: 2024-09-08 starts at 01:00 local time.
        assertThat(map("{\"type\":\"datetime\",\"format\":\"dd.MM.yyyy\",\"zone\":\"America/Santiago\"}", "08.09.2024").asText())
                .isEqualTo("2024-09-08T01:00:00-03:00");
        assertThat(map("{\"type\":\"date\",\"format\":\"dd.MM.yyyy\",\"zone\":\"America/Santiago\"}", "08.09.2024").asText())
                .isEqualTo("2024-09-08");
    }
}
