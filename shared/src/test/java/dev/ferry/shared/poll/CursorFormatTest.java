package dev.ferry.shared.poll;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;

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
        assertThatThrownBy(() -> millis.parse(TextNode.valueOf("soon"))).hasMessageContaining("'soon' is not a epoch-millis");
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
}
