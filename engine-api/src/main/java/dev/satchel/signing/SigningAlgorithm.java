package dev.satchel.signing;

import dev.satchel.SessionConfigurationException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The hash functions Django's signing accepts, under their Django (hashlib) names. Django's
 * default, and Satchel's, is {@link #SHA256}; {@link #SHA1} exists for Django 3.1/3.2 data and for
 * {@code salted_hmac} callers that still use it.
 */
public enum SigningAlgorithm {
    /** SHA-1: 20-byte digest, 27-character signature. */
    SHA1("sha1", "SHA-1", "HmacSHA1", 20),
    /** SHA-256, Django's default since 3.1: 32-byte digest, 43-character signature. */
    SHA256("sha256", "SHA-256", "HmacSHA256", 32),
    /** SHA-512: 64-byte digest, 86-character signature. */
    SHA512("sha512", "SHA-512", "HmacSHA512", 64);

    private final String djangoName;
    private final String hashAlgorithm;
    private final String hmacAlgorithm;
    private final int digestLength;

    SigningAlgorithm(String djangoName, String hashAlgorithm, String hmacAlgorithm, int digestLength) {
        this.djangoName = djangoName;
        this.hashAlgorithm = hashAlgorithm;
        this.hmacAlgorithm = hmacAlgorithm;
        this.digestLength = digestLength;
    }

    /** The name Django and Python's hashlib use, for example {@code sha256}. */
    public String djangoName() {
        return djangoName;
    }

    /** The JDK {@link java.security.MessageDigest} name, for example {@code SHA-256}. */
    public String hashAlgorithm() {
        return hashAlgorithm;
    }

    /** The JDK {@link javax.crypto.Mac} name, for example {@code HmacSHA256}. */
    public String hmacAlgorithm() {
        return hmacAlgorithm;
    }

    /** The length of a digest in bytes. */
    public int digestLength() {
        return digestLength;
    }

    /** The length of a signature (unpadded URL-safe base64 of one digest) in characters. */
    public int signatureLength() {
        return (digestLength * 8 + 5) / 6;
    }

    /**
     * The algorithm with this Django name, ignoring case ({@code "sha256"}, {@code "SHA512"}), so
     * that settings can name it the way Django's do.
     *
     * @throws SessionConfigurationException for any other name; the message lists the accepted ones
     */
    public static SigningAlgorithm fromName(String name) {
        if (name != null) {
            String wanted = name.trim().toLowerCase(Locale.ROOT);
            for (SigningAlgorithm algorithm : values()) {
                if (algorithm.djangoName.equals(wanted)) {
                    return algorithm;
                }
            }
        }
        String accepted =
                Arrays.stream(values()).map(SigningAlgorithm::djangoName).collect(Collectors.joining(", "));
        String shown = name == null ? "null" : "'" + (name.length() > 40 ? name.substring(0, 40) + "..." : name) + "'";
        throw new SessionConfigurationException("unknown signing algorithm " + shown + "; accepted names: " + accepted);
    }
}
