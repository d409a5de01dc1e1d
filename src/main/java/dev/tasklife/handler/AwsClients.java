package dev.tasklife.handler;

import java.net.URI;
import java.time.Duration;

import org.eclipse.microprofile.config.Config;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The plain SDK clients (EventBridge, ECS: no Quarkiverse extension for Quarkus 3), configured as the Quarkiverse
 * extension configures DynamoDB's ({@code quarkus.dynamodb.*}): under {@code tasklife.<service>.},
 * {@code endpoint-override}, {@code aws.region} and {@code aws.credentials.type} (default: the SDK's chain, that is
 * the Lambda environment; static: {@code aws.credentials.static-provider.access-key-id} and {@code .secret-access-key}).
 * Same URL-connection HTTP client, retries and time budget ({@code tasklife.aws.*}) and tracing ({@link SdkTracing},
 * quarkus.dynamodb.interceptors for DynamoDB's) for all.
 */
final class AwsClients {

    private AwsClients() {
    }

    static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C build(B builder, String service,
                                                                                      Config config) {
        String prefix = "tasklife." + service + ".";
        builder.httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(ClientSettings.overrides(
                        config.getValue("tasklife.aws.max-attempts", Integer.class),
                        config.getValue("tasklife.aws.attempt-timeout", Duration.class),
                        config.getValue("tasklife.aws.call-timeout", Duration.class)).toBuilder()
                        .addExecutionInterceptor(new SdkTracing()).build());
        config.getOptionalValue(prefix + "endpoint-override", URI.class).ifPresent(builder::endpointOverride);
        config.getOptionalValue(prefix + "aws.region", String.class).map(Region::of).ifPresent(builder::region);
        String credentials = config.getOptionalValue(prefix + "aws.credentials.type", String.class).orElse("default");
        switch (credentials) {
            case "default" -> { }
            case "static" -> builder.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                    config.getValue(prefix + "aws.credentials.static-provider.access-key-id", String.class),
                    config.getValue(prefix + "aws.credentials.static-provider.secret-access-key", String.class))));
            default -> throw new IllegalStateException(
                    prefix + "aws.credentials.type is default or static, not " + credentials);
        }
        return builder.build();
    }
}
