package dev.satchel.signing;

import dev.satchel.internal.StrictUtf8;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Django's {@code django.utils.crypto.salted_hmac(key_salt, value, secret, algorithm)}: the HMAC key
 * is {@code H(key_salt + secret)} (both UTF-8) and the result is {@code HMAC_H(key, value)}. Every
 * signature in Django's signing and the auth session hash are built on it.
 *
 * <p>An instance made by {@link #of} derives the key and initialises a {@link Mac} once; each call
 * of {@link #digest(byte[])} then uses a per-thread copy of that {@code Mac}, so an instance is
 * immutable, thread-safe and cheap to call. The static methods derive the key on every call and are
 * meant for one-off use.
 */
public final class SaltedHmac {
    private final SigningAlgorithm algorithm;
    private final SecretKeySpec key;
    private final Mac prototype;
    private final ThreadLocal<Mac> perThread;

    private SaltedHmac(SigningAlgorithm algorithm, byte[] derivedKey) {
        this.algorithm = algorithm;
        this.key = new SecretKeySpec(derivedKey, algorithm.hmacAlgorithm());
        this.prototype = newMac(algorithm, key);
        this.perThread = ThreadLocal.withInitial(this::copyOfPrototype);
    }

    /**
     * A reusable {@code salted_hmac} for one key salt, secret and algorithm: the key is derived now,
     * not per call. Use it on hot paths.
     *
     * @throws IllegalArgumentException if the salt or secret holds an unpaired surrogate (Python
     *     cannot encode such text either)
     */
    public static SaltedHmac of(String keySalt, String secret, SigningAlgorithm algorithm) {
        Objects.requireNonNull(keySalt, "keySalt");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(algorithm, "algorithm");
        return new SaltedHmac(algorithm, deriveKey(keySalt, secret, algorithm));
    }

    /**
     * {@code salted_hmac(keySalt, value, secret, algorithm).digest()}, deriving the key on this
     * call. Prefer {@link #of} when the same salt and secret are used repeatedly.
     */
    public static byte[] digest(String keySalt, byte[] value, String secret, SigningAlgorithm algorithm) {
        Objects.requireNonNull(value, "value");
        return of(keySalt, secret, algorithm).digestOnce(value);
    }

    /** {@code salted_hmac(keySalt, value, secret, algorithm).hexdigest()}: lower-case hex. */
    public static String hexdigest(String keySalt, byte[] value, String secret, SigningAlgorithm algorithm) {
        return HexFormat.of().formatHex(digest(keySalt, value, secret, algorithm));
    }

    /** The HMAC of {@code value} under the derived key. Thread-safe. */
    public byte[] digest(byte[] value) {
        Objects.requireNonNull(value, "value");
        return perThread.get().doFinal(value);
    }

    /** The HMAC of {@code value} in lower-case hex, like Python's {@code hexdigest()}. */
    public String hexdigest(byte[] value) {
        return HexFormat.of().formatHex(digest(value));
    }

    /** The hash function of this HMAC. */
    public SigningAlgorithm algorithm() {
        return algorithm;
    }

    private byte[] digestOnce(byte[] value) {
        // A throw-away instance: use the prototype directly instead of creating a thread-local.
        return prototype.doFinal(value);
    }

    private Mac copyOfPrototype() {
        // Cloning only reads the prototype; the lock keeps that safe for any provider.
        synchronized (prototype) {
            try {
                return (Mac) prototype.clone();
            } catch (CloneNotSupportedException e) {
                return newMac(algorithm, key);
            }
        }
    }

    private static byte[] deriveKey(String keySalt, String secret, SigningAlgorithm algorithm) {
        try {
            MessageDigest hash = MessageDigest.getInstance(algorithm.hashAlgorithm());
            hash.update(StrictUtf8.encode(keySalt));
            hash.update(StrictUtf8.encode(secret));
            return hash.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm.hashAlgorithm(), e);
        }
    }

    private static Mac newMac(SigningAlgorithm algorithm, SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(algorithm.hmacAlgorithm());
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm.hmacAlgorithm(), e);
        }
    }

    @Override
    public String toString() {
        // Never reveal the derived key.
        return "SaltedHmac[" + algorithm.djangoName() + "]";
    }
}
