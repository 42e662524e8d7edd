package dev.ferry.webhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.lambda.HttpApiResponse;
import dev.ferry.shared.lambda.LambdaIo;
import dev.ferry.shared.steps.WebhookStep;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Lambda entry point for webhooks: an API Gateway HTTP API (payload 2.0) or Function URL event in, an
 * HTTP answer out. All logic lives in {@link WebhookStep}.
 */
@Singleton
@Named("webhook")
public class WebhookFunction implements RequestStreamHandler {

    private final WebhookStep step;

    @Inject
    public WebhookFunction(FerryRuntime runtime) {
        this(runtime.webhookStep());
    }

    public WebhookFunction(WebhookStep step) {
        this.step = step;
    }

    /**
     * Never throws for any event: the step reads it strictly (one JSON document, valid UTF-8, the HTTP API shape) and
     * answers every input with a status and a reason. Only failing to read the input or write the answer propagates.
     */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        HttpApiResponse answer = step.handleEvent(input.readAllBytes());
        LambdaIo.write(output, answer);
    }
}
