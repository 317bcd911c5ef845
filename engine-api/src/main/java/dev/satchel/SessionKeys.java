package dev.satchel;

import dev.satchel.internal.SensitiveValues;
import java.security.SecureRandom;

/**
 * Session keys as Django makes and checks them: 32 characters drawn uniformly from {@code [a-z0-9]}
 * with a cryptographically strong generator (lower case only, so keys are safe on case-insensitive
 * file systems and collations).
 */
public final class SessionKeys {
    /** The characters a generated key is drawn from. */
    public static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    /** The length of a generated key. */
    public static final int LENGTH = 32;
    /** Keys shorter than this mean "no session" (Django's rule). */
    public static final int MIN_LENGTH = 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    private SessionKeys() {}

    /** A fresh random key. */
    public static String generate() {
        char[] out = new char[LENGTH];
        byte[] bytes = new byte[LENGTH * 2];
        int filled = 0;
        while (filled < LENGTH) {
            RANDOM.nextBytes(bytes);
            for (int i = 0; i < bytes.length && filled < LENGTH; i++) {
                int v = bytes[i] & 0xff;
                // 252 = 7 * 36: reject the top values so every character is equally likely.
                if (v < 252) {
                    out[filled++] = ALPHABET.charAt(v % ALPHABET.length());
                }
            }
        }
        String key = new String(out);
        SensitiveValues.handled(key);
        return key;
    }

    /**
     * Django's check when a key is assigned: a key is kept only if it is at least {@value
     * #MIN_LENGTH} characters long; anything else (null, empty, short) means no session.
     */
    public static boolean isValid(String key) {
        return key != null && key.length() >= MIN_LENGTH;
    }
}
