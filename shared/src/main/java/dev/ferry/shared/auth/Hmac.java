package dev.ferry.shared.auth;

import dev.ferry.shared.spec.Options.HmacAlgorithm;
import dev.ferry.shared.spec.Options.HmacEncoding;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/** HMAC helpers shared by inbound verification and outbound signing. Comparisons are constant-time. */
public final class Hmac {

    private Hmac() {
    }

    /** @param algorithm null means sha256 */
    public static byte[] mac(HmacAlgorithm algorithm, byte[] key, byte[]... parts) {
        String name = HmacAlgorithm.orDefault(algorithm).jcaName();
        try {
            Mac mac = Mac.getInstance(name);
            mac.init(new SecretKeySpec(key, name));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(name + " is not available", e);
        }
    }

    public static String encode(HmacEncoding encoding, byte[] digest) {
        return encoding == HmacEncoding.BASE64 ? Base64.getEncoder().encodeToString(digest) : HexFormat.of().formatHex(digest);
    }

    /** The presented signature's bytes, or null when it is not valid hex/base64 (never an exception with its text). */
    public static byte[] decode(HmacEncoding encoding, String presented) {
        try {
            return encoding == HmacEncoding.BASE64 ? Base64.getDecoder().decode(presented.trim())
                    : HexFormat.of().parseHex(presented.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Constant-time equality; false when either side is null. */
    public static boolean same(byte[] expected, byte[] presented) {
        return expected != null && presented != null && MessageDigest.isEqual(expected, presented);
    }
}
