package dev.ferry.testing;

import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * AWS services outside this JVM that {@link AwsEmulators} points Ferry at instead of its embedded emulators, chosen
 * with the system property {@value #SELECT_PROPERTY} (e.g. {@code localstack}, which {@code -Plocalstack} sets and whose
 * implementation lives in the module {@code testing-localstack}). Only the endpoints change: AwsEmulators creates the
 * same queues and tables there, and the code under test sees the same configuration keys as with the emulators.
 */
public interface ExternalAws extends AutoCloseable {

    String SELECT_PROPERTY = "ferry.test.aws";

    /** The endpoint URL of one service ({@code sqs}, {@code dynamodb}, {@code secretsmanager}). */
    String endpoint(String service);

    /** One line for the log: what runs where. */
    String describe();

    @Override
    void close();

    /** Found with {@link ServiceLoader}: a module on the test classpath that can start one. */
    interface Provider {
        String name();

        ExternalAws start();
    }

    /** The AWS {@value #SELECT_PROPERTY} names, started; null when the property is unset (the embedded emulators). */
    static ExternalAws selected() {
        String name = System.getProperty(SELECT_PROPERTY, "").trim();
        if (name.isEmpty() || name.equals("emulators")) {
            return null;
        }
        ServiceLoader<Provider> providers = ServiceLoader.load(Provider.class);
        for (Provider provider : providers) {
            if (provider.name().equals(name)) {
                return provider.start();
            }
        }
        String known = providers.stream().map(p -> p.get().name()).collect(Collectors.joining(", "));
        throw new IllegalStateException(SELECT_PROPERTY + "=" + name + " but no such AWS is on the test classpath (found: "
                + (known.isEmpty() ? "none" : known) + "); for LocalStack run the build with -Plocalstack");
    }
}
