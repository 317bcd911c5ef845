package dev.satchel.demo;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashing in Django's {@code PBKDF2PasswordHasher} format, with the JDK's PBKDF2: {@code
 * pbkdf2_sha256$<iterations>$<salt>$<base64 of 32 bytes>}. The salt is a random alphanumeric string
 * used as UTF-8 bytes, as in Django, so Django can check a hash made here and the other way round.
 */
final class Passwords {
    /** Django's name for the algorithm, the first field of every hash. */
    static final String ALGORITHM = "pbkdf2_sha256";
    /** Django 5.2's iteration count. */
    static final int DEFAULT_ITERATIONS = 1_000_000;
    /** The fewest iterations this demo accepts in its configuration. */
    static final int MIN_ITERATIONS = 100_000;

    private static final int MAX_ITERATIONS = 100_000_000;
    private static final int KEY_BITS = 256;
    private static final int SALT_LENGTH = 22;
    private static final String SALT_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final String dummyHash;

    Passwords(int iterations) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException(
                    "PBKDF2 iterations must be between " + MIN_ITERATIONS + " and " + MAX_ITERATIONS);
        }
        this.iterations = iterations;
        this.dummyHash = hash("a password nobody has");
    }

    /** A new hash of {@code password} with a fresh random salt. */
    String hash(String password) {
        StringBuilder salt = new StringBuilder(SALT_LENGTH);
        for (int i = 0; i < SALT_LENGTH; i++) {
            salt.append(SALT_CHARS.charAt(RANDOM.nextInt(SALT_CHARS.length())));
        }
        return encode(password, salt.toString(), iterations);
    }

    /** Whether {@code password} matches {@code encoded}; a malformed hash never matches. */
    boolean verify(String password, String encoded) {
        String[] parts = encoded == null ? new String[0] : encoded.split("\\$", -1);
        if (password == null || password.isEmpty()) {
            return false;
        }
        if (parts.length != 4 || !ALGORITHM.equals(parts[0]) || parts[2].isEmpty()) {
            return false;
        }
        int rounds;
        try {
            rounds = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return false;
        }
        if (rounds < 1 || rounds > MAX_ITERATIONS) {
            return false;
        }
        String computed = encode(password, parts[2], rounds);
        return MessageDigest.isEqual(
                computed.getBytes(StandardCharsets.UTF_8), encoded.getBytes(StandardCharsets.UTF_8));
    }

    /** Spends the time of one verification, so an unknown user name answers as slowly as a known one. */
    void verifyNothing(String password) {
        verify(password, dummyHash);
    }

    static String encode(String password, String salt, int iterations) {
        byte[] key = pbkdf2(password, salt, iterations);
        return ALGORITHM + "$" + iterations + "$" + salt + "$"
                + Base64.getEncoder().encodeToString(key);
    }

    /** PBKDF2-HMAC-SHA256 of the UTF-8 password and salt, 32 bytes. */
    static byte[] pbkdf2(String password, String salt, int iterations) {
        PBEKeySpec spec =
                new PBEKeySpec(password.toCharArray(), salt.getBytes(StandardCharsets.UTF_8), iterations, KEY_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(spec)
                    .getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no PBKDF2WithHmacSHA256", e);
        } finally {
            spec.clearPassword();
        }
    }
}
