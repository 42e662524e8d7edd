package dev.ferry.shared.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FerryConfigTest {

    static FerryConfig config(Map<String, String> values) {
        return new FerryConfig(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void envNameMapsKeysToEnvironmentVariables() {
        assertThat(FerryConfig.envName("ferry.queue.fetch-dlq.url")).isEqualTo("FERRY_QUEUE_FETCH_DLQ_URL");
        assertThat(FerryConfig.envName(FerryConfig.Queue.TRANSFORM.key())).isEqualTo("FERRY_QUEUE_TRANSFORM_URL");
        assertThat(FerryConfig.envName(FerryConfig.HTTP_TIMEOUT_MS)).isEqualTo("FERRY_HTTP_TIMEOUT_MS");
    }

    @Test
    void queueKeysAndDeadLetters() {
        assertThat(FerryConfig.Queue.FETCH_DLQ.id()).isEqualTo("fetch-dlq");
        assertThat(FerryConfig.Queue.FETCH_DLQ.key()).isEqualTo("ferry.queue.fetch-dlq.url");
        assertThat(FerryConfig.Queue.FETCH.deadLetter()).isEqualTo(FerryConfig.Queue.FETCH_DLQ);
        assertThat(FerryConfig.Queue.TRANSFORM.deadLetter()).isEqualTo(FerryConfig.Queue.TRANSFORM_DLQ);
        assertThat(FerryConfig.Queue.DELIVER.deadLetter()).isEqualTo(FerryConfig.Queue.DELIVER_DLQ);
        assertThatThrownBy(FerryConfig.Queue.DELIVER_DLQ::deadLetter).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void defaults() {
        FerryConfig c = config(Map.of());

        assertThat(c.maxAttempts()).isEqualTo(5);
        assertThat(c.retryBaseDelaySeconds()).isEqualTo(10);
        assertThat(c.lease()).isEqualTo(Duration.ofSeconds(330));
        assertThat(c.idempotencyTtl()).isEqualTo(Duration.ofDays(14));
        assertThat(c.httpTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.secretsTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.webhookMaxBodyBytes()).isEqualTo(256 * 1024);
        assertThat(c.idempotencyTable()).isEqualTo("ferry-idempotency");
        assertThat(c.stateTable()).isEqualTo("ferry-state");
        assertThat(c.localMode()).isFalse();
        assertThat(c.endpoint("sqs")).isEmpty();
    }

    @Test
    void configuredValuesWin() {
        Map<String, String> values = new HashMap<>();
        values.put(FerryConfig.MAX_ATTEMPTS, " 7 ");
        values.put(FerryConfig.HTTP_TIMEOUT_MS, "2500");
        values.put(FerryConfig.IDEMPOTENCY_TABLE, "t1");
        values.put(FerryConfig.LOCAL_MODE, "true");
        values.put(FerryConfig.REGION, "eu-west-1");
        values.put(FerryConfig.ENDPOINT, "http://127.0.0.1:4566");
        values.put(FerryConfig.ENDPOINT_PREFIX + "sqs", "http://127.0.0.1:9324");
        values.put(FerryConfig.Queue.DELIVER.key(), "http://127.0.0.1:9324/queue/deliver");
        FerryConfig c = config(values);

        assertThat(c.maxAttempts()).isEqualTo(7);
        assertThat(c.httpTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.idempotencyTable()).isEqualTo("t1");
        assertThat(c.localMode()).isTrue();
        assertThat(c.region()).isEqualTo("eu-west-1");
        assertThat(c.endpoint("sqs")).hasValueSatisfying(u -> assertThat(u.toString()).isEqualTo("http://127.0.0.1:9324"));
        assertThat(c.endpoint("dynamodb")).hasValueSatisfying(u -> assertThat(u.toString()).isEqualTo("http://127.0.0.1:4566"));
        assertThat(c.queueUrl(FerryConfig.Queue.DELIVER)).isEqualTo("http://127.0.0.1:9324/queue/deliver");
    }

    @Test
    void blankValuesCountAsAbsent() {
        FerryConfig c = config(Map.of(FerryConfig.MAX_ATTEMPTS, "   ", FerryConfig.STATE_TABLE, ""));

        assertThat(c.maxAttempts()).isEqualTo(5);
        assertThat(c.stateTable()).isEqualTo("ferry-state");
        assertThat(c.get(FerryConfig.STATE_TABLE)).isEmpty();
    }

    @Test
    void nonNumericIntNamesTheKey() {
        FerryConfig c = config(Map.of(FerryConfig.MAX_ATTEMPTS, "five"));

        assertThatThrownBy(c::maxAttempts)
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'ferry.retry.max-attempts'")
                .hasMessageContaining("'five'");
    }

    @Test
    void missingRequiredSettingNamesKeyAndEnvironmentVariable() {
        FerryConfig c = config(Map.of());

        assertThatThrownBy(() -> c.queueUrl(FerryConfig.Queue.FETCH_DLQ))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'ferry.queue.fetch-dlq.url'")
                .hasMessageContaining("FERRY_QUEUE_FETCH_DLQ_URL");
    }

    @Test
    void ofReadsTheMapFirstThenSystemProperties() {
        String key = "ferry.test.only-" + System.nanoTime();
        System.setProperty(key, "from-property");
        try {
            assertThat(FerryConfig.of(Map.of(key, "from-map")).get(key)).contains("from-map");
            assertThat(FerryConfig.of(Map.of()).get(key)).contains("from-property");
        } finally {
            System.clearProperty(key);
        }
        assertThat(FerryConfig.of(Map.of()).get(key)).isEmpty();
    }
}
