package dev.ferry.shared.secrets;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/** HMAC-SHA256 over the raw body bytes, compared in constant time. */
public final class WebhookSignature {

    private WebhookSignature() {
    }

    public static String hexHmacSha256(String key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** True when {@code presented} (after its prefix) is the hex HMAC of the body under the key. */
    public static boolean verify(String key, byte[] body, String presented, String prefix) {
        if (presented == null || key == null) {
            return false;
        }
        String value = presented.trim();
        if (prefix != null && !prefix.isEmpty()) {
            if (!value.startsWith(prefix)) {
                return false;
            }
            value = value.substring(prefix.length());
        }
        byte[] expected = hexHmacSha256(key, body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, value.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }
}
