package dev.ferry.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves an {@link AwsEmulators} parameter with one instance for all test classes of this module (short
 * visibility timeout and maxReceiveCount 2, so that redrive is quick to observe). It lives in JUnit's root
 * store, which closes it (AutoCloseable) when the test run ends.
 */
final class SharedEmulators implements ParameterResolver {

    static final int MAX_RECEIVE_COUNT = 2;
    static final int VISIBILITY_TIMEOUT_SECONDS = 1;

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == AwsEmulators.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.create(SharedEmulators.class))
                .computeIfAbsent(AwsEmulators.class, k -> AwsEmulators.builder()
                        .maxReceiveCount(MAX_RECEIVE_COUNT)
                        .visibilityTimeoutSeconds(VISIBILITY_TIMEOUT_SECONDS)
                        .start(), AwsEmulators.class);
    }
}
