package dev.ferry.deliver;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.lambda.Deadline;
import dev.ferry.shared.lambda.LambdaIo;
import dev.ferry.shared.lambda.SqsEvent;
import dev.ferry.shared.steps.DeliverStep;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Lambda entry point for deliver: an SQS batch in, a partial batch response out. */
@Singleton
@Named("deliver")
public class DeliverFunction implements RequestStreamHandler {

    private final DeliverStep step;

    @Inject
    public DeliverFunction(FerryRuntime runtime) {
        this(runtime.deliverStep());
    }

    public DeliverFunction(DeliverStep step) {
        this.step = step;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        SqsEvent event = LambdaIo.convert(LambdaIo.readTree(input), SqsEvent.class);
        try {
            LambdaIo.write(output, Deadline.within(context, () -> step.handle(event)));
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
