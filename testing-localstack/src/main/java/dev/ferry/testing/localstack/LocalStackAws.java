package dev.ferry.testing.localstack;

import dev.ferry.testing.AwsEmulators;
import dev.ferry.testing.ExternalAws;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * LocalStack in a container (Testcontainers) serving SQS, DynamoDB and Secrets Manager on one endpoint, as the AWS that
 * {@link AwsEmulators} points Ferry at under {@code -Plocalstack}. Needs a Docker engine that can pull the image; a
 * machine without one fails the run at the first test (never skips it).
 */
public final class LocalStackAws implements ExternalAws {

    /** The last LocalStack image published without an auth token (later ones need LOCALSTACK_AUTH_TOKEN). */
    public static final String DEFAULT_IMAGE = "localstack/localstack:4.14";
    /** Another image (e.g. from a registry mirror), compatible with {@code localstack/localstack}. */
    public static final String IMAGE_PROPERTY = "ferry.test.localstack.image";

    private final LocalStackContainer container;

    private LocalStackAws(LocalStackContainer container) {
        this.container = container;
    }

    static LocalStackAws start() {
        DockerImageName image = DockerImageName.parse(System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE))
                .asCompatibleSubstituteFor("localstack/localstack");
        @SuppressWarnings("resource") // closed by close()
        LocalStackContainer container = new LocalStackContainer(image)
                .withServices("sqs", "dynamodb", "secretsmanager")
                .withEnv("AWS_DEFAULT_REGION", AwsEmulators.REGION);
        container.start();
        return new LocalStackAws(container);
    }

    @Override
    public String endpoint(String service) {
        return container.getEndpoint().toString();
    }

    @Override
    public String describe() {
        return "LocalStack " + container.getDockerImageName() + " at " + container.getEndpoint() + " (SQS, DynamoDB, Secrets Manager)";
    }

    @Override
    public void close() {
        container.stop();
    }

    /** Registered in META-INF/services: selected by {@code -Dferry.test.aws=localstack}. */
    public static final class Provider implements ExternalAws.Provider {
        @Override
        public String name() {
            return "localstack";
        }

        @Override
        public ExternalAws start() {
            return LocalStackAws.start();
        }
    }
}
