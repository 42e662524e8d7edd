package dev.ferry.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.lambda.FerryHandler;
import dev.ferry.shared.metrics.MetricsSink;
import dev.ferry.shared.metrics.RecordObserver;
import dev.ferry.shared.lambda.Invocation;
import dev.ferry.shared.lambda.LambdaIo;
import dev.ferry.shared.lambda.ScheduledEvent;
import dev.ferry.shared.lambda.SqsEvent;
import dev.ferry.shared.poll.ScheduledPoller;
import dev.ferry.shared.steps.FetchStep;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.util.Locale;

/**
 * Lambda entry point for fetch: an SQS batch of fetch requests (thin webhooks), or a scheduled event
 * naming the integration to poll. A failed poll throws, so the scheduler's retry policy and DLQ apply.
 */
@Singleton
@Named("fetch")
public class FetchFunction extends FerryHandler {

    private final FetchStep step;

    @Inject
    public FetchFunction(FerryRuntime runtime) {
        this(runtime.fetchStep());
    }

    public FetchFunction(FetchStep step) {
        this.step = step;
    }

    /** With its metrics and each record's outcome going where the caller says (ferry dev's console). */
    public FetchFunction(FetchStep step, MetricsSink metrics, RecordObserver records) {
        super(metrics, records);
        this.step = step;
    }

    @Override
    protected Object handle(JsonNode event, Invocation invocation) throws Exception {
        if (LambdaIo.isSqsEvent(event)) {
            return step.fetchRequests(LambdaIo.convert(event, SqsEvent.class), invocation);
        }
        ScheduledEvent scheduled = LambdaIo.convert(event, ScheduledEvent.class);
        ScheduledPoller.Outcome outcome = step.poll(scheduled, invocation);
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("integration", scheduled.integration());
        answer.put("status", outcome.status().name().toLowerCase(Locale.ROOT));
        answer.put("runId", outcome.runId());
        answer.put("queued", outcome.queued());
        answer.put("pages", outcome.pages());
        answer.put("busy", outcome.status() == ScheduledPoller.Status.BUSY ? 1 : 0);
        if (outcome.holder() != null) {
            answer.put("leaseHolder", outcome.holder());
        }
        if (outcome.cursor() != null) {
            answer.put("cursor", outcome.cursor());
        }
        return answer;
    }
}
