package dev.ferry.shared.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The one way into a Ferry function: reads the raw event, makes the {@link Invocation} from Lambda's context and
 * runs the step inside it, then writes the answer. Functions implement {@link #handle} (or, to read the event's bytes
 * themselves, {@link #handleBytes}) only, so every step gets the invocation's deadline the same way (fetch once ran
 * without it, its quick retries assuming 60 s remained).
 */
public abstract class FerryHandler implements RequestStreamHandler {

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Invocation invocation = Invocation.of(context);
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
