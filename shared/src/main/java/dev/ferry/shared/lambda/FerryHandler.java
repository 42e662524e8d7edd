package dev.ferry.shared.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The one way into a Ferry function: reads the raw event, makes the {@link Invocation} from Lambda's context and
 * runs the step inside it, then writes the answer. Functions implement {@link #handle} only, so every step gets
 * the invocation's deadline the same way (fetch once ran without it, its quick retries assuming 60 s remained).
 */
public abstract class FerryHandler implements RequestStreamHandler {

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Invocation invocation = Invocation.of(context);
        Object answer;
        try {
            answer = invocation.run(() -> {
                JsonNode event;
                try {
                    event = LambdaIo.readTree(input);
                } catch (IOException e) {
                    return unreadable(e);
                }
                return handle(event, invocation);
            });
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        LambdaIo.write(output, answer);
    }

    /** The step's work for one event; the answer is written as JSON. */
    protected abstract Object handle(JsonNode event, Invocation invocation) throws Exception;

    /** An event that is not JSON at all: by default a failed invocation (Lambda retries it or dead-letters it). */
    protected Object unreadable(IOException e) throws IOException {
        throw e;
    }
}
