package dev.ferry.transform;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.lambda.FerryHandler;
import dev.ferry.shared.metrics.MetricsSink;
import dev.ferry.shared.metrics.RecordObserver;
import dev.ferry.shared.lambda.Invocation;
import dev.ferry.shared.lambda.LambdaIo;
import dev.ferry.shared.lambda.SqsEvent;
import dev.ferry.shared.steps.TransformStep;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

/** Lambda entry point for transform: an SQS batch in, a partial batch response out (lookups within the deadline). */
@Singleton
@Named("transform")
public class TransformFunction extends FerryHandler {

    private final TransformStep step;

    @Inject
    public TransformFunction(FerryRuntime runtime) {
        this(runtime.transformStep());
    }

    public TransformFunction(TransformStep step) {
        this.step = step;
    }

    /** With its metrics and each record's outcome going where the caller says (ferry dev's console). */
    public TransformFunction(TransformStep step, MetricsSink metrics, RecordObserver records) {
        super(metrics, records);
        this.step = step;
    }

    @Override
    protected Object handle(JsonNode event, Invocation invocation) throws Exception {
        return step.handle(LambdaIo.convert(event, SqsEvent.class));
    }
}
