package dev.ferry.shared.poll;

import dev.ferry.shared.spec.paging.ListPlan;
import dev.ferry.shared.spec.IntegrationSpec;
import dev.ferry.shared.spec.SpecException;
import dev.ferry.shared.spec.SpecLoader;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The list section of a spec, through the spec loader: paging and cursor options, and their errors. */
class PollSpecTest {

    static final String SPEC = """
            name: demo
            source:
              recordId: /id
              version: /updated_at
              list:
                url: "https://source.example.com/items"
                recordsPath: /data
                pagination: { type: next-token, tokenPath: /paging/next, tokenParam: after, limitParam: limit, limit: 100 }
                cursor:
                  type: timestamp
                  field: /updated_at
                  param: updated_since
                  untilParam: updated_before
                  format: "yyyy-MM-dd HH:mm:ss"
                  zone: Europe/Berlin
                  lookback: PT5M
                  maxWindow: P1D
                  initial: "2026-01-01T00:00:00Z"
            schedule: rate(5 minutes)
            mapping:
              id: { from: /id }
            destination:
              method: PUT
              url: "https://dest.example.com/items/{recordId}"
            """;

    static SpecLoader loader() {
        return new SpecLoader(key -> Optional.empty(), false);
    }

    @Test
    void aFullListSectionLoads() {
        IntegrationSpec spec = loader().load("demo.yaml", SPEC);
        IntegrationSpec.ListRequest list = spec.source().list();
        assertThat(list.pagination().limit()).isEqualTo(100);
        assertThat(list.cursor().zone()).isEqualTo("Europe/Berlin");
        ListPlan plan = ListPlan.of(list);
        assertThat(plan.pageType()).isEqualTo(ListPlan.PageType.NEXT_TOKEN);
        assertThat(plan.cursorType()).isEqualTo(ListPlan.CursorType.TIMESTAMP);
        assertThat(plan.maxWindow()).hasHours(24);
    }

    @Test
    void aMisspelledPagingKeyIsNamedWithItsLine() {
        SpecException e = catchThrowableOfType(SpecException.class,
                () -> loader().load("demo.yaml", SPEC.replace("tokenParam: after", "tokenParm: after")));
        assertThat(e.getMessage()).contains("demo.yaml:8:").contains("unknown key 'tokenParm'").contains("tokenParam");
    }

    @Test
    void badCursorOptionsAreEachNamed() {
        String bad = SPEC.replace("zone: Europe/Berlin", "zone: Europe/Atlantis").replace("lookback: PT5M", "lookback: 5m")
                .replace("      untilParam: updated_before\n", "");
        SpecException e = catchThrowableOfType(SpecException.class, () -> loader().load("demo.yaml", bad));
        // an unknown type fails while reading, on its own, with its line
        SpecException type = catchThrowableOfType(SpecException.class,
                () -> loader().load("demo.yaml", SPEC.replace("type: next-token", "type: cursor")));
        assertThat(type.problems()).singleElement().asString().matches("demo\\.yaml:[0-9]+: source\\.list\\.pagination\\.type: must be one of"
                + " \\[link-header, next-token, none, offset, page], got 'cursor'");
        assertThat(e.getMessage())
                .contains("demo.yaml:14: source.list.cursor.zone: zone 'Europe/Atlantis' is not a time zone")
                .contains("demo.yaml:15: source.list.cursor.lookback: must be an ISO-8601 duration such as PT5M or P1D, got '5m'")
                .contains("demo.yaml:16: source.list.cursor.maxWindow: needs untilParam");
    }
}
