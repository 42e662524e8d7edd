package dev.ferry.shared.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.shared.config.FerryConfig;
import dev.ferry.shared.metrics.EmfMetrics;
import dev.ferry.shared.metrics.MetricsSink;
import dev.ferry.shared.metrics.RecordObserver;
import dev.ferry.shared.metrics.StepMetrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one way into a Ferry function: reads the raw event, makes the {@link Invocation} from Lambda's context and
 * runs the step inside it, then writes the answer. Functions implement {@link #handle} (or, to read the event's bytes
 * themselves, {@link #handleBytes}) only, so every step gets the invocation's deadline the same way (fetch once ran
 * without it, its quick retries assuming 60 s remained). The invocation's metrics are published once, when it ends,
 * whether it succeeded or not.
 */
public abstract class FerryHandler implements RequestStreamHandler {

    private final MetricsSink metrics;
    private final RecordObserver records;
    private final AtomicBoolean cold = new AtomicBoolean(true);

    /** Metrics as EMF on stdout, configured from the environment ({@link FerryConfig#METRICS_NAMESPACE}). */
    protected FerryHandler() {
        this(EmfMetrics.fromConfig(FerryConfig.fromEnvironment()));
    }

    protected FerryHandler(MetricsSink metrics) {
        this(metrics, RecordObserver.NONE);
    }

    /** Metrics to {@code metrics}, and each record's outcome told to {@code records} as it happens (ferry dev's console). */
    protected FerryHandler(MetricsSink metrics, RecordObserver records) {
        this.metrics = metrics;
        this.records = records;
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        StepMetrics recorded = StepMetrics.collecting(records, java.time.Instant.now());
        if (cold.getAndSet(false)) {
            recorded.coldStart(context == null || context.getFunctionName() == null ? getClass().getSimpleName() : context.getFunctionName());
        }
        Invocation invocation = Invocation.of(context, recorded);
        try {
            byte[] event = input.readAllBytes();
            Object answer;
            try {
                answer = invocation.run(() -> handleBytes(event, invocation));
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            LambdaIo.write(output, answer);
        } finally {
            metrics.publish(recorded.drain());
        }
    }

    /** The event as it arrived; by default parsed as JSON (an unreadable event fails the invocation) for {@link #handle}. */
    protected Object handleBytes(byte[] event, Invocation invocation) throws Exception {
        return handle(dev.ferry.shared.json.Json.tree(event), invocation);
    }

    /** The step's work for one event; the answer is written as JSON. */
    protected Object handle(JsonNode event, Invocation invocation) throws Exception {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " reads its events as bytes");
    }
}
