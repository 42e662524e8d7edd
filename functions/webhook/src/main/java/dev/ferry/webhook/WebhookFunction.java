package dev.ferry.webhook;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.ferry.shared.FerryRuntime;
import dev.ferry.shared.lambda.HttpApiEvent;
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

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        HttpApiEvent event;
        try {
            event = LambdaIo.convert(LambdaIo.readTree(input), HttpApiEvent.class);
        } catch (IOException e) {
            LambdaIo.write(output, HttpApiResponse.error(400, "not an HTTP API or Function URL event"));
            return;
        }
        LambdaIo.write(output, step.handle(event));
    }
}
