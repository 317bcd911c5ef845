package dev.satchel.cookie.internal;

import dev.satchel.SessionConfigurationException;
import dev.satchel.internal.DjangoBase64;
import dev.satchel.internal.StrictUtf8;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One AES-256 key of the encrypted cookie engine, derived from a secret key with HKDF-SHA256 (RFC
 * 5869) and a purpose string, so the same secret signs Django data and encrypts cookies with
 * unrelated keys. Its identifier, derived the same way under another purpose, travels in the cookie
 * so that the reader picks the right key among the current one and the fallbacks without trying
 * each.
 *
 * <p><b>Internal:</b> not part of Satchel's API.
 */
public final class CookieKey {
    /** Length of the identifier in the cookie: base64 of six derived bytes. */
    public static final int ID_CHARS = 8;

    private static final byte[] HKDF_SALT = "dev.satchel.cookie.encrypted_cookies".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_INFO = "aes-256-gcm key v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID_INFO = "key identifier v1".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;
    private final String id;

    private CookieKey(SecretKeySpec key, String id) {
        this.key = key;
        this.id = id;
    }

    /**
     * Derives the key of {@code secret}; done once per secret when the engine is built.
     *
     * @throws SessionConfigurationException if the secret has no UTF-8 form
     */
    public static CookieKey derive(String secret, String setting) {
        byte[] ikm;
        try {
            ikm = StrictUtf8.encode(secret);
        } catch (IllegalArgumentException e) {
            throw new SessionConfigurationException(
                    setting + " holds an unpaired surrogate; it cannot be used as a key");
        }
        byte[] prk = hmac(HKDF_SALT, ikm);
        byte[] aes = expand(prk, KEY_INFO, 32);
        byte[] idBytes = expand(prk, ID_INFO, 6);
        Arrays.fill(prk, (byte) 0);
        return new CookieKey(new SecretKeySpec(aes, "AES"), DjangoBase64.encode(idBytes));
    }

    /** The AES key. */
    public SecretKeySpec key() {
        return key;
    }

    /** The identifier written in cookies encrypted with this key ({@value #ID_CHARS} characters). */
    public String id() {
        return id;
    }

    /** HKDF-Expand for at most one block (32 bytes): {@code HMAC(prk, info || 0x01)}. */
    private static byte[] expand(byte[] prk, byte[] info, int length) {
        byte[] message = Arrays.copyOf(info, info.length + 1);
        message[info.length] = 1;
        return Arrays.copyOf(hmac(prk, message), length);
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }

    @Override
    public String toString() {
        return "CookieKey[id=" + id + "]";
    }
}
