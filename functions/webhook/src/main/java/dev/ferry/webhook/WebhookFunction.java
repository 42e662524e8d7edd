package dev.ferry.webhook;

import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.lambda.FerryHandler;
import dev.ferry.shared.metrics.MetricsSink;
import dev.ferry.shared.metrics.RecordObserver;
import dev.ferry.shared.lambda.Invocation;
import dev.ferry.shared.steps.WebhookStep;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/**
 * Lambda entry point for webhooks: an API Gateway HTTP API (payload 2.0) or Function URL event in, an
 * HTTP answer out. All logic lives in {@link WebhookStep}.
 */
@Singleton
@Named("webhook")
public class WebhookFunction extends FerryHandler {

    private final WebhookStep step;

    @Inject
    public WebhookFunction(FerryRuntime runtime) {
        this(runtime.webhookStep());
    }

    public WebhookFunction(WebhookStep step) {
        this.step = step;
    }

    /** With its metrics and each record's outcome going where the caller says (ferry dev's console). */
    public WebhookFunction(WebhookStep step, MetricsSink metrics, RecordObserver records) {
        super(metrics, records);
        this.step = step;
    }

    /**
     * Never throws for any event: the step reads it strictly (one JSON document, valid UTF-8, the HTTP API shape) and
     * answers every input with a status and a reason. Only failing to read the input or write the answer propagates.
     * The invocation's deadline is there for the step like for every other (FerryHandler).
     */
    @Override
    protected Object handleBytes(byte[] event, Invocation invocation) {
        return step.handleEvent(event);
    }
}
