package dev.ferry.shared.auth;

import dev.ferry.shared.secrets.SecretsProvider;
import dev.ferry.shared.spec.IntegrationSpec;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * AWS Signature Version 4 for AWS-hosted destinations (API Gateway with IAM auth, Lambda function URLs,
 * OpenSearch...), signed by the SDK's own {@link AwsV4HttpSigner}. Credentials come from the named
 * secret (accessKeyId, secretAccessKey, optional sessionToken) or, without a secret, from the
 * function's role via the SDK's default chain.
 */
final class SigV4Signer implements AuthStrategy {

    private final SecretsProvider secrets;
    private final IntegrationSpec.Auth auth;
    private final Clock clock;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private DefaultCredentialsProvider role; // built on first use: only when no secret is named

    SigV4Signer(SecretsProvider secrets, IntegrationSpec.Auth auth, Clock clock) {
        this.secrets = secrets;
        this.auth = auth;
        this.clock = clock;
    }

    @Override
    public void apply(OutboundRequest request) {
        AwsCredentialsIdentity identity = identity();
        SdkHttpRequest.Builder http = SdkHttpRequest.builder()
                .uri(URI.create(request.url()))
                .method(SdkHttpMethod.fromValue(request.method().toUpperCase(Locale.ROOT)));
        request.headers().forEach(http::putHeader);
        byte[] body = request.body();
        SignedRequest signed = signer.sign(r -> r.identity(identity)
                .request(http.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.REGION_NAME, auth.region())
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, auth.service())
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, clock));
        for (Map.Entry<String, List<String>> header : signed.request().headers().entrySet()) {
            // The HTTP client sets Host itself (the same value the signer used, from the URL).
            if (!header.getKey().equalsIgnoreCase("Host") && !header.getValue().isEmpty()) {
                request.headers().put(header.getKey(), header.getValue().getFirst());
            }
        }
    }

    private AwsCredentialsIdentity identity() {
        if (auth.secret() == null) {
            synchronized (this) {
                if (role == null) {
                    role = DefaultCredentialsProvider.builder().build();
                }
            }
            return role.resolveCredentials();
        }
        String keyId = secrets.field(auth.secret(), "accessKeyId");
        String secretKey = secrets.field(auth.secret(), "secretAccessKey");
        var node = secrets.secret(auth.secret()).get("sessionToken");
        return node != null && node.isTextual() && !node.asText().isEmpty()
                ? AwsSessionCredentialsIdentity.create(keyId, secretKey, node.asText())
                : AwsCredentialsIdentity.create(keyId, secretKey);
    }

    @Override
    public void rejected() {
        if (auth.secret() != null) {
            secrets.invalidate(auth.secret());
        }
    }
}
