package dev.ferry.shared.spec;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Date formats are checked when a spec loads: a pattern must be able to do the job its rule gives it. */
class SpecLoaderDatesTest {

    static String spec(String rule) {
        return """
                name: demo
                source: { recordId: /id }
                webhook:
                  deliveryIdHeader: X-Delivery
                  signature: { header: X-Signature, secret: ferry/demo/hook }
                mapping:
                  id: { from: /id }
                  at: %s
                destination: { method: PUT, url: "https://dest.example.com/{recordId}" }
                """.formatted(rule);
    }

    static String problem(String rule) {
        SpecException e = catchThrowableOfType(SpecException.class, () -> new SpecLoader(k -> Optional.empty(), false)
                .load("demo.yaml", spec(rule)));
        assertThat(e).as("%s must not load", rule).isNotNull();
        assertThat(e.problems()).as(rule).hasSize(1);
        return e.problems().getFirst();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{ from: /at, type: datetime, format: 'yyyy-MM-dd HH:mm:ss', zone: Europe/Berlin }",
            "{ from: /at, type: datetime, format: 'MM/dd/yyyy hh:mm a', output: 'dd.MM.yyyy HH:mm' }",
            "{ from: /at, type: datetime, format: 'yy-MM-dd', output: unix-micros }",
            "{ from: /at, type: datetime, format: \"EEE, d MMM yyyy HH:mm:ss Z\" }",
            "{ from: /at, type: datetime, format: \"uuuu-MM-dd'T'HH:mm:ss.SSSXXX\", output: \"yyyy-MM-dd'T'HH:mm:ssxxx '['VV']'\" }",
            "{ from: /at, type: date, format: 'dd.MM.yyyy', output: 'MMMM d, uuuu' }",
            "{ from: /at, type: date, format: 'yyyy-MM-dd HH:mm', output: iso }",
            "{ from: /at, type: datetime, format: unix-millis, output: 'yyyy-DDD' }",
    })
    void usablePatternsLoad(String rule) {
        new SpecLoader(k -> Optional.empty(), false).load("demo.yaml", spec(rule));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{ from: /at, type: datetime, format: 'yyyy-MM-dd bbb' } | mapping.at.format: 'yyyy-MM-dd bbb' is neither iso, unix-seconds, unix-millis, unix-micros nor a usable date-time pattern: it is not a valid date-time pattern (Unknown pattern letter: b)",
            "{ from: /at, type: datetime, format: 'yyyy-MM-dd hh:mm' } | it cannot read back what it writes ('2001-02-03 04:05': an incomplete time (an hour of AM/PM 'h' needs the marker 'a'))",
            "{ from: /at, type: date, format: 'MM-dd' }                  | it cannot read back what it writes ('02-03': no complete date (year, month and day))",
            "{ from: /at, type: datetime, format: 'HH:mm:ss' }           | no complete date",
            "{ from: /at, type: date, format: 'YYYY-MM-dd' }             | ('Y' is the week-based year; the calendar year is 'y' or 'u')",
            "{ from: /at, type: date, output: 'yyyy-MM-dd HH:mm' }       | mapping.at.output: 'yyyy-MM-dd HH:mm' is neither iso nor a usable date pattern: it asks for a time or a zone, which a date does not have",
            "{ from: /at, type: date, output: unix-seconds }             | mapping.at.output: 'unix-seconds' writes an instant; type date writes a day (iso or a date pattern)",
            "{ from: /at, type: datetime, output: 'yyyy-MM-dd qqqqqq' }  | mapping.at.output: 'yyyy-MM-dd qqqqqq' is neither iso, unix-seconds, unix-millis, unix-micros nor a usable date-time pattern",
            "{ from: /at, type: string, format: unix-seconds }           | mapping.at.format: only applies to type datetime or date",
            "{ from: /at, format: 'dd.MM.yyyy' }                         | mapping.at.format: only applies to type datetime or date",
            "{ from: /at, type: integer, zone: Europe/Berlin }           | mapping.at.zone: only applies to type datetime or date",
    })
    void patternsThatCannotDoTheirJobAreRefusedAtLoad(String rule, String expected) {
        assertThat(problem(rule)).contains(expected);
    }
}
