package dev.ferry.shared.api;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class TraceparentTest {

    @Test
    void aValidIncomingHeaderGivesItsTraceId() {
        assertThat(Traceparent.traceId("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        // A later version may carry more fields after the four.
        assertThat(Traceparent.traceId("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"))
                .isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    }

    @Test
    void anInvalidHeaderStartsANewTrace() {
        for (String bad : new String[] {null, "", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "00-" + "0".repeat(32) + "-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-" + "0".repeat(16) + "-01", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra", "00-abc-zz-01"}) {
            assertThat(Traceparent.traceId(bad)).as(bad).isNull();
        }
    }

    @Test
    void everyTraceIdBecomesTheW3cFormAndStaysTheSameTrace() {
        assertThat(Traceparent.w3c("4bf92f3577b34da6a3ce929d0e0e4736")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(Traceparent.w3c("4bf92f35-77b3-4da6-a3ce-929d0e0e4736")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(Traceparent.w3c("ferry-schedule")).matches("[0-9a-f]{32}").isEqualTo(Traceparent.w3c("ferry-schedule"));
        assertThat(Traceparent.w3c(null)).matches("[0-9a-f]{32}").isNotEqualTo(Traceparent.w3c(null));
    }

    @Test
    void theHeaderSentReadsBackAsTheRecordsTraceWithANewSpanEachCall() {
        Random random = new Random(15);
        for (int i = 0; i < 200; i++) {
            String trace = String.format("%016x%016x", random.nextLong(), random.nextLong());
            String header = Traceparent.header(trace);
            assertThat(header).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            assertThat(Traceparent.traceId(header)).isEqualTo(trace);
        }
        assertThat(Traceparent.header("t").split("-")[2]).isNotEqualTo(Traceparent.header("t").split("-")[2]);
    }
}
