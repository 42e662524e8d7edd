package dev.ferry.testing.localstack;

import dev.ferry.testing.ExternalAws;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/** What can be checked without a Docker engine: -Dferry.test.aws=localstack finds this module's provider. */
class LocalStackAwsTest {

    @Test
    void theProviderIsRegisteredUnderTheNameTheProfileSelects() {
        assertThat(ServiceLoader.load(ExternalAws.Provider.class).stream().map(p -> p.get().name()))
                .containsExactly("localstack");
        assertThat(LocalStackAws.DEFAULT_IMAGE).isEqualTo("localstack/localstack:4.14");
    }
}
