package dev.ferry.testing;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * A Lambda {@link Context} for running handlers outside Lambda: a fresh request id, a deadline from which
 * {@link #getRemainingTimeInMillis()} counts down, and a logger that prints to stdout.
 */
public final class LocalLambdaContext implements Context {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MEMORY_MB = 512;

    private static final LambdaLogger STDOUT_LOGGER = new LambdaLogger() {
        @Override
        public void log(String message) {
            PrintStream out = System.out;
            out.print(message);
            if (!message.endsWith("\n")) {
                out.println();
            }
            out.flush();
        }

        @Override
        public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8));
        }
    };

    private final String functionName;
    private final String requestId;
    private final long deadlineMillis;
    private final int memoryMb;

    public LocalLambdaContext(String functionName) {
        this(functionName, DEFAULT_TIMEOUT, DEFAULT_MEMORY_MB);
    }

    public LocalLambdaContext(String functionName, Duration timeout) {
        this(functionName, timeout, DEFAULT_MEMORY_MB);
    }

    public LocalLambdaContext(String functionName, Duration timeout, int memoryMb) {
        this.functionName = functionName;
        this.requestId = UUID.randomUUID().toString();
        this.deadlineMillis = System.currentTimeMillis() + timeout.toMillis();
        this.memoryMb = memoryMb;
    }

    @Override
    public String getAwsRequestId() {
        return requestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local/[$LATEST]" + requestId.replace("-", "");
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return "arn:aws:lambda:" + AwsEmulators.REGION + ":" + AwsEmulators.ACCOUNT_ID + ":function:" + functionName;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return memoryMb;
    }

    @Override
    public LambdaLogger getLogger() {
        return STDOUT_LOGGER;
    }

    /** The deadline, epoch milliseconds (what Lambda sends as {@code Lambda-Runtime-Deadline-Ms}). */
    public long deadlineMillis() {
        return deadlineMillis;
    }

    @Override
    public String toString() {
        return "LocalLambdaContext[" + functionName + ", " + requestId + "]";
    }
}
