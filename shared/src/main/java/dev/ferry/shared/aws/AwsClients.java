package dev.ferry.shared.aws;

import dev.ferry.shared.config.FerryConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds AWS SDK clients from configuration only: region, and for emulators an endpoint override and
 * throw-away credentials. On AWS the default credential chain (the function's role) is used. Each
 * factory method touches one service's classes, so a function that lacks a service never loads it.
 */
public final class AwsClients {

    private AwsClients() {
    }

    public static SqsClient sqs(FerryConfig config) {
        return configure(SqsClient.builder(), config, "sqs").build();
    }

    public static DynamoDbClient dynamoDb(FerryConfig config) {
        return configure(DynamoDbClient.builder(), config, "dynamodb").build();
    }

    public static SecretsManagerClient secretsManager(FerryConfig config) {
        return configure(SecretsManagerClient.builder(), config, "secretsmanager").build();
    }

    private static <B extends AwsClientBuilder<B, ?>> B configure(B builder, FerryConfig config, String service) {
        builder.region(Region.of(config.region()));
        if (builder instanceof software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder<?, ?> sync) {
            sync.httpClientBuilder(UrlConnectionHttpClient.builder());
        }
        config.endpoint(service).ifPresent(builder::endpointOverride);
        if (config.flag(FerryConfig.LOCAL_CREDENTIALS)) {
            // Emulators accept any key; these are not credentials of any real account.
            builder.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("ferrylocal", "ferrylocal")));
        }
        return builder;
    }
}
