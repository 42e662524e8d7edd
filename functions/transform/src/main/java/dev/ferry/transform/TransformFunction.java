package dev.ferry.transform;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.lambda.Deadline;
import dev.ferry.shared.lambda.LambdaIo;
import dev.ferry.shared.lambda.SqsEvent;
import dev.ferry.shared.steps.TransformStep;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Lambda entry point for transform: an SQS batch in, a partial batch response out (lookups within the deadline). */
@Singleton
@Named("transform")
public class TransformFunction implements RequestStreamHandler {

    private final TransformStep step;

    @Inject
    public TransformFunction(FerryRuntime runtime) {
        this(runtime.transformStep());
    }

    public TransformFunction(TransformStep step) {
        this.step = step;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        SqsEvent event = LambdaIo.convert(LambdaIo.readTree(input), SqsEvent.class);
        try {
            // Lookups' quick retries stay inside the invocation's remaining time.
            LambdaIo.write(output, Deadline.within(context, () -> step.handle(event)));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
