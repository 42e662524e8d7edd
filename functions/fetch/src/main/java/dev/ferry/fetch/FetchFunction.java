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
import dev.ferry.shared.steps.FetchStep;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

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
        if (LambdaIo.isSqsEvent(event)) {
            LambdaIo.write(output, step.fetchRequests(LambdaIo.convert(event, SqsEvent.class)));
            return;
        }
        ScheduledEvent scheduled = LambdaIo.convert(event, ScheduledEvent.class);
        int queued = step.poll(scheduled);
        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("integration", scheduled.integration());
        answer.put("queued", queued);
        LambdaIo.write(output, answer);
    }
}
