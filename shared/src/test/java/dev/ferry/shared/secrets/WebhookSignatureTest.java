package dev.ferry.shared.secrets;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignatureTest {

    /** The well-known HMAC-SHA256 example (Wikipedia; also used across HMAC libraries' tests). */
    static final String KEY = "key";
    static final byte[] BODY = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8);
    static final String HEX = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";

    static String independentHmac(String key, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    @Test
    void computesTheKnownVector() {
        assertThat(WebhookSignature.hexHmacSha256(KEY, BODY)).isEqualTo(HEX);
    }

    @Test
    void rfc4231TestCase2() {
        // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?"
        assertThat(WebhookSignature.hexHmacSha256("Jefe", "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void agreesWithAnIndependentComputationOnBinaryBodies() throws Exception {
        byte[] body = new byte[512];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31 + 7);
        }
        String key = "s3cr3t-ключ";
        assertThat(WebhookSignature.hexHmacSha256(key, body)).isEqualTo(independentHmac(key, body));
        assertThat(WebhookSignature.verify(key, body, "sha256=" + independentHmac(key, body), "sha256=")).isTrue();
    }

    @Test
    void verifiesWithPrefix() {
        assertThat(WebhookSignature.verify(KEY, BODY, "sha256=" + HEX, "sha256=")).isTrue();
    }

    @Test
    void verifiesWithoutPrefix() {
        assertThat(WebhookSignature.verify(KEY, BODY, HEX, null)).isTrue();
        assertThat(WebhookSignature.verify(KEY, BODY, HEX, "")).isTrue();
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertThat(WebhookSignature.verify(KEY, BODY, "  sha256=" + HEX + " ", "sha256=")).isTrue();
    }

    @Test
    void rejectsAMissingOrWrongPrefix() {
        assertThat(WebhookSignature.verify(KEY, BODY, HEX, "sha256=")).isFalse();
        assertThat(WebhookSignature.verify(KEY, BODY, "sha1=" + HEX, "sha256=")).isFalse();
        assertThat(WebhookSignature.verify(KEY, BODY, "sha256=" + HEX, null)).isFalse();
    }

    @Test
    void rejectsATamperedBody() {
        byte[] tampered = "The quick brown fox jumps over the lazy cog".getBytes(StandardCharsets.UTF_8);
        assertThat(WebhookSignature.verify(KEY, tampered, "sha256=" + HEX, "sha256=")).isFalse();
    }

    @Test
    void rejectsTheWrongKey() {
        assertThat(WebhookSignature.verify("other", BODY, "sha256=" + HEX, "sha256=")).isFalse();
    }

    @Test
    void rejectsATamperedOrTruncatedSignature() {
        String flipped = HEX.substring(0, HEX.length() - 1) + "9";
        assertThat(WebhookSignature.verify(KEY, BODY, flipped, null)).isFalse();
        assertThat(WebhookSignature.verify(KEY, BODY, HEX.substring(0, 32), null)).isFalse();
        assertThat(WebhookSignature.verify(KEY, BODY, HEX + "00", null)).isFalse();
        assertThat(WebhookSignature.verify(KEY, BODY, "", null)).isFalse();
    }

    @Test
    void acceptsUpperCaseHex() {
        assertThat(WebhookSignature.verify(KEY, BODY, "sha256=" + HEX.toUpperCase(Locale.ROOT), "sha256=")).isTrue();
    }

    @Test
    void rejectsANullHeader() {
        assertThat(WebhookSignature.verify(KEY, BODY, null, "sha256=")).isFalse();
        assertThat(WebhookSignature.verify(KEY, BODY, null, null)).isFalse();
    }
}
