package dev.ferry.fetch;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.lambda.LambdaIo;
import dev.ferry.shared.lambda.ScheduledEvent;
import dev.ferry.shared.lambda.SqsEvent;
import dev.ferry.shared.poll.ScheduledPoller;
import dev.ferry.shared.steps.FetchStep;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Lambda entry point for fetch: an SQS batch of fetch requests (thin webhooks), or a scheduled event
 * naming the integration to poll. A failed poll throws, so the scheduler's retry policy and DLQ apply.
 */
@Singleton
@Named("fetch")
public class FetchFunction implements RequestStreamHandler {

    private final FetchStep step;

    @Inject
    public FetchFunction(FerryRuntime runtime) {
        this(runtime.fetchStep());
    }

    public FetchFunction(FetchStep step) {
        this.step = step;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = LambdaIo.readTree(input);
        LongSupplier remaining = context == null ? () -> Long.MAX_VALUE : () -> context.getRemainingTimeInMillis();
        if (LambdaIo.isSqsEvent(event)) {
            LambdaIo.write(output, step.fetchRequests(LambdaIo.convert(event, SqsEvent.class), remaining));
            return;
        }
        ScheduledEvent scheduled = LambdaIo.convert(event, ScheduledEvent.class);
        ScheduledPoller.Outcome outcome = step.poll(scheduled, remaining);
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
        LambdaIo.write(output, answer);
    }
}
