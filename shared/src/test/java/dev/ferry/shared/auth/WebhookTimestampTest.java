package dev.ferry.shared.auth;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A caller's timestamp header is read exactly: beyond any instant it is a rejection, not a server error. */
class WebhookTimestampTest {

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775807", "-9223372036854775808", "31556889864403200", "-31557014167219201"})
    void aTimestampBeyondEveryInstantIsRejectedWithAReason(String timestamp) {
        for (String scheme : new String[] {"standard-webhooks", "stripe"}) {
            var headers = scheme.equals("stripe")
                    ? WebhookVerifierTest.headers("Stripe-Signature", "t=" + timestamp + ",v1=" + "0".repeat(64))
                    : WebhookVerifierTest.headers("webhook-id", "msg_1", "webhook-timestamp", timestamp, "webhook-signature", "v1,AAAA");
            var result = WebhookVerifierTest.at(WebhookVerifierTest.NOW).verify(WebhookVerifierTest.webhook(scheme), headers,
                    WebhookVerifierTest.bytes("{}"), List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
            assertThat(result).as(scheme).isInstanceOf(WebhookVerifier.Rejected.class);
            assertThat(((WebhookVerifier.Rejected) result).reason()).as(scheme).contains("timestamp");
        }
    }
}
