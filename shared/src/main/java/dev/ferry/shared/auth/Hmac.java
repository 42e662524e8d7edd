package dev.ferry.shared.auth;

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

    /** The JCA name for sha1, sha256 (default) or sha512; anything else is a configuration error. */
    public static String jcaName(String algorithm) {
        return switch (algorithm == null ? "sha256" : algorithm.toLowerCase(Locale.ROOT)) {
            case "sha1" -> "HmacSHA1";
            case "sha256" -> "HmacSHA256";
            case "sha512" -> "HmacSHA512";
            default -> throw new IllegalArgumentException("HMAC algorithm must be sha1, sha256 or sha512, got '" + algorithm + "'");
        };
    }

    public static byte[] mac(String algorithm, byte[] key, byte[]... parts) {
        String name = jcaName(algorithm);
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

    public static String encode(String encoding, byte[] digest) {
        return "base64".equalsIgnoreCase(encoding) ? Base64.getEncoder().encodeToString(digest) : HexFormat.of().formatHex(digest);
    }

    /** The presented signature's bytes, or null when it is not valid hex/base64 (never an exception with its text). */
    public static byte[] decode(String encoding, String presented) {
        try {
            return "base64".equalsIgnoreCase(encoding) ? Base64.getDecoder().decode(presented.trim())
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
