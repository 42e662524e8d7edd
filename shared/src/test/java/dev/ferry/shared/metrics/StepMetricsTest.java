package dev.ferry.shared.metrics;

import dev.ferry.shared.envelope.Envelope;
import dev.ferry.shared.envelope.FailureKind;
import dev.ferry.shared.envelope.WaitReason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StepMetricsTest {

    @Test
    void eachRecordsOutcomeIsToldAtOnceWithItsTraceAndAThrowingObserverFailsNothing() {
        List<RecordEvent> seen = new java.util.ArrayList<>();
        java.time.Instant started = java.time.Instant.parse("2026-12-01T10:00:00Z");
        StepMetrics metrics = StepMetrics.collecting(seen::add, started);
        Envelope record = Envelope.fresh("crm", "r-1", "k", "4bf92f3577b34da6a3ce929d0e0e4736",
                new Envelope.SourceInfo("webhook", "d-1", started, false), com.fasterxml.jackson.databind.node.NullNode.getInstance());
        metrics.seen("deliver", record, RecordEvent.Outcome.DEAD_LETTERED, 2, "PUT /c/r-1 answered 422");
        assertThat(seen).containsExactly(new RecordEvent("deliver", "crm", "r-1", "4bf92f3577b34da6a3ce929d0e0e4736",
                RecordEvent.Outcome.DEAD_LETTERED, 2, "PUT /c/r-1 answered 422", started));
        assertThat(seen.getFirst().outcome().label()).isEqualTo("dead-lettered");

        StepMetrics.collecting(e -> {
            throw new IllegalStateException("observer broke");
        }, started).seen("deliver", record, RecordEvent.Outcome.DELIVERED, 1, null); // no exception: a record never fails for it
        StepMetrics.discarding().seen("deliver", record, RecordEvent.Outcome.DELIVERED, 1, null);
        assertThat(seen).hasSize(1);
    }

    @Test
    void countsAreSummedPerDimensionValuesAndLatenciesKeptOneByOne() {
        StepMetrics metrics = StepMetrics.collecting();
        metrics.recordIn("crm", "deliver");
        metrics.recordIn("crm", "deliver");
        metrics.recordIn("shop", "deliver");
        metrics.delivered("crm", "deliver");
        metrics.deferred("crm", "deliver", WaitReason.RATE_BUDGET);
        metrics.deferred("crm", "deliver", WaitReason.API_429);
        metrics.deadLettered("crm", "deliver", FailureKind.PERMANENT);
        metrics.apiCall("billing", StepMetrics.StatusClass.S2XX, 12);
        metrics.apiCall("billing", StepMetrics.StatusClass.S5XX, 30);

        List<MetricGroup> groups = metrics.drain();
        InMemoryMetrics sink = new InMemoryMetrics();
        sink.publish(groups);

        assertThat(sink.sum(StepMetrics.RECORDS_IN, "Integration", "crm", "Step", "deliver")).isEqualTo(2);
        assertThat(sink.sum(StepMetrics.RECORDS_IN, "Integration", "shop")).isEqualTo(1);
        assertThat(sink.sum(StepMetrics.DEFERRED, "Integration", "crm", "Reason", "rate_budget")).isEqualTo(1);
        assertThat(sink.sum(StepMetrics.DEFERRED, "Integration", "crm", "Reason", "api_429")).isEqualTo(1);
        assertThat(sink.sum(StepMetrics.DEAD_LETTERED, "Kind", "permanent")).isEqualTo(1);
        assertThat(sink.sum(StepMetrics.API_CALLS, "Api", "billing")).isEqualTo(2);
        assertThat(sink.sum(StepMetrics.API_RESPONSES, "Api", "billing", "StatusClass", "5xx")).isEqualTo(1);
        assertThat(sink.values(StepMetrics.API_LATENCY, "Api", "billing")).containsExactly(12.0, 30.0);

        // One group per set of dimension values: (crm, deliver), (shop, deliver), two reasons, one kind, the API, two classes.
        assertThat(groups).hasSize(8);
        MetricGroup crm = groups.getFirst();
        assertThat(crm.dimensions()).isEqualTo(Map.of("Integration", "crm", "Step", "deliver"));
        assertThat(crm.metrics()).extracting(MetricGroup.Metric::name).containsExactly("RecordsIn", "Delivered");
        assertThat(metrics.drain()).as("drained once").isEmpty();
    }

    @Test
    void aCompletedPollRunIsOneValueEachAndLagOnlyWhenKnown() {
        StepMetrics metrics = StepMetrics.collecting();
        metrics.pollRun("crm", 37, 2, Duration.ofSeconds(95));
        metrics.pollRun("crm", 0, 1, null);
        InMemoryMetrics sink = new InMemoryMetrics();
        sink.publish(metrics.drain());

        assertThat(sink.values(StepMetrics.POLL_RECORDS, "Integration", "crm")).containsExactly(37.0, 0.0);
        assertThat(sink.values(StepMetrics.POLL_PAGES, "Integration", "crm")).containsExactly(2.0, 1.0);
        assertThat(sink.values(StepMetrics.POLL_LAG, "Integration", "crm")).containsExactly(95.0);
    }

    @Test
    void anEmptyIntegrationNameCountsUnderUnknownAndTheDiscardingOneKeepsNothing() {
        StepMetrics metrics = StepMetrics.collecting();
        metrics.deadLettered(null, "transform", FailureKind.PERMANENT);
        assertThat(metrics.drain().getFirst().dimensions()).containsEntry("Integration", StepMetrics.UNKNOWN_INTEGRATION);

        StepMetrics.discarding().recordIn("crm", "deliver");
        assertThat(StepMetrics.discarding().drain()).isEmpty();
    }
}
