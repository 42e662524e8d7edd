package dev.ferry.shared.aws;

/**
 * A test seam: every AWS client a {@link dev.ferry.shared.FerryRuntime} builds passes through {@link #wrap}, so a test
 * can stand between Ferry and a service (the chaos run crashes an instance there, at the step boundaries). Production
 * code uses {@link #NONE}.
 */
public interface AwsClientWrapper {

    AwsClientWrapper NONE = new AwsClientWrapper() {
        @Override
        public <T> T wrap(Class<T> type, T client) {
            return client;
        }
    };

    /** The client Ferry uses in place of {@code client} (an SDK client interface such as {@code SqsClient}). */
    <T> T wrap(Class<T> type, T client);
}
