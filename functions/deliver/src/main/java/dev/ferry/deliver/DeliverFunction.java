package dev.ferry.deliver;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.lambda.FerryHandler;
import dev.ferry.shared.metrics.MetricsSink;
import dev.ferry.shared.metrics.RecordObserver;
import dev.ferry.shared.lambda.Invocation;
import dev.ferry.shared.lambda.LambdaIo;
import dev.ferry.shared.lambda.SqsEvent;
import dev.ferry.shared.steps.DeliverStep;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/** Lambda entry point for deliver: an SQS batch in, a partial batch response out. */
@Singleton
@Named("deliver")
public class DeliverFunction extends FerryHandler {

    private final DeliverStep step;

    @Inject
    public DeliverFunction(FerryRuntime runtime) {
        this(runtime.deliverStep());
    }

    public DeliverFunction(DeliverStep step) {
        this.step = step;
    }

    /** With its metrics and each record's outcome going where the caller says (ferry dev's console). */
    public DeliverFunction(DeliverStep step, MetricsSink metrics, RecordObserver records) {
        super(metrics, records);
        this.step = step;
    }

    @Override
    protected Object handle(JsonNode event, Invocation invocation) throws Exception {
        return step.handle(LambdaIo.convert(event, SqsEvent.class));
    }
}
