package dev.ferry.testing;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LocalLambdaContextTest {

    @Test
    void countsDownToItsDeadline() throws Exception {
        LocalLambdaContext context = new LocalLambdaContext("ferry-deliver", Duration.ofSeconds(2));
        int first = context.getRemainingTimeInMillis();
        assertThat(first).isBetween(1_500, 2_000);
        Thread.sleep(50);
        assertThat(context.getRemainingTimeInMillis()).isLessThan(first);
        assertThat(new LocalLambdaContext("x", Duration.ZERO).getRemainingTimeInMillis()).isZero();
    }

    @Test
    void looksLikeALambdaContext() {
        LocalLambdaContext a = new LocalLambdaContext("ferry-fetch");
        LocalLambdaContext b = new LocalLambdaContext("ferry-fetch");
        assertThat(a.getAwsRequestId()).isNotEqualTo(b.getAwsRequestId()).hasSize(36);
        assertThat(a.getFunctionName()).isEqualTo("ferry-fetch");
        assertThat(a.getInvokedFunctionArn()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:ferry-fetch");
        assertThat(a.getLogGroupName()).isEqualTo("/aws/lambda/ferry-fetch");
        assertThat(a.getMemoryLimitInMB()).isEqualTo(512);
        assertThat(a.getRemainingTimeInMillis()).isGreaterThan(59_000);
        a.getLogger().log("LocalLambdaContextTest: logger works");
    }
}
