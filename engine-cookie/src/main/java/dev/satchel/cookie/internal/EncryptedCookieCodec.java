package dev.satchel.cookie.internal;

import dev.satchel.BadSignatureException;
import dev.satchel.MalformedPayloadException;
import dev.satchel.SessionTooLargeException;
import dev.satchel.codec.DecodedSession;
import dev.satchel.codec.SessionCodec;
import dev.satchel.codec.SessionSerializer;
import dev.satchel.internal.DjangoBase64;
import dev.satchel.internal.SensitiveValues;
import dev.satchel.internal.ZlibCodec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The encrypted cookie format: {@code v1.<key id>.<base64url(nonce | ciphertext | tag)>}, AES-256-GCM
 * with a fresh 96-bit nonce per cookie and a 128-bit tag. The associated data binds the cookie name
 * and the header, so a value cannot be replayed under another cookie name or relabelled with another
 * key id. The plaintext is one flags byte (bit 0: zlib), the issue time in epoch seconds (8 bytes,
 * big-endian, checked against the cookie age on reading) and the session's JSON, compressed when
 * that makes it shorter.
 *
 * <p>Keys are derived once; a {@link Cipher} is kept per thread and the nonce generator is shared,
 * so encoding and decoding construct no key or cipher. Thread-safe.
 *
 * <p><b>Internal:</b> not part of Satchel's API.
 */
public final class EncryptedCookieCodec implements SessionCodec {
    /** The format version, the first part of every value. */
    public static final String VERSION = "v1";

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int HEADER_BYTES = 1 + Long.BYTES;
    private static final int FLAG_COMPRESSED = 1;
    /** Nonce, the plaintext header and the tag: the shortest possible blob. */
    private static final int MIN_BLOB_BYTES = NONCE_BYTES + HEADER_BYTES + TAG_BITS / 8;

    private static final SecureRandom NONCES = new SecureRandom();
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(EncryptedCookieCodec::newCipher);
    private static final Base64.Decoder BASE64_URL = Base64.getUrlDecoder();

    private final String engineName;
    private final CookieKey current;
    private final List<CookieKey> keys;
    private final List<byte[]> associatedData;
    private final SessionSerializer serializer;
    private final Duration maxAge;
    private final Clock clock;
    private final int maxPayloadBytes;

    /**
     * @param keys the current key first, then the fallback keys, all derived already
     * @param cookieName bound into every value as associated data
     */
    public EncryptedCookieCodec(
            String engineName,
            List<CookieKey> keys,
            String cookieName,
            SessionSerializer serializer,
            Duration maxAge,
            Clock clock,
            int maxPayloadBytes) {
        this.engineName = engineName;
        this.keys = List.copyOf(keys);
        this.current = this.keys.get(0);
        List<byte[]> aad = new ArrayList<>(this.keys.size());
        for (CookieKey k : this.keys) {
            aad.add((cookieName + '\0' + header(k)).getBytes(StandardCharsets.US_ASCII));
        }
        this.associatedData = aad;
        this.serializer = serializer;
        this.maxAge = maxAge;
        this.clock = clock;
        this.maxPayloadBytes = maxPayloadBytes;
        newCipher(); // fail at start-up, not on the first request, if the JDK lacks AES-GCM
    }

    private static String header(CookieKey key) {
        return VERSION + "." + key.id() + ".";
    }

    @Override
    public String encode(Map<String, Object> data) {
        byte[] json = serializer.serialize(data);
        if (json.length > maxPayloadBytes) {
            throw new SessionTooLargeException("the serialized session is " + json.length + " bytes, over the "
                    + maxPayloadBytes + " bytes that are read back (satchel.max-payload-bytes); nothing was stored");
        }
        byte[] zipped = ZlibCodec.compress(json);
        boolean compress = zipped.length < json.length;
        byte[] payload = compress ? zipped : json;
        byte[] plain = new byte[HEADER_BYTES + payload.length];
        plain[0] = (byte) (compress ? FLAG_COMPRESSED : 0);
        long issuedAt = clock.instant().getEpochSecond();
        for (int i = 0; i < Long.BYTES; i++) {
            plain[1 + i] = (byte) (issuedAt >>> (56 - 8 * i));
        }
        System.arraycopy(payload, 0, plain, HEADER_BYTES, payload.length);

        byte[] nonce = new byte[NONCE_BYTES];
        NONCES.nextBytes(nonce);
        Cipher cipher = CIPHERS.get();
        byte[] blob;
        try {
            cipher.init(Cipher.ENCRYPT_MODE, current.key(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData.get(0));
            blob = new byte[NONCE_BYTES + cipher.getOutputSize(plain.length)];
            System.arraycopy(nonce, 0, blob, 0, NONCE_BYTES);
            cipher.doFinal(plain, 0, plain.length, blob, NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
        String encoded = header(current) + DjangoBase64.encode(blob);
        SensitiveValues.handled(encoded);
        return encoded;
    }

    @Override
    public DecodedSession decode(String encoded) {
        if (encoded.length() > CookieStore.MAX_VALUE_CHARS) {
            throw new MalformedPayloadException("session cookie longer than " + CookieStore.MAX_VALUE_CHARS
                    + " characters (" + encoded.length() + "); not decoded");
        }
        int versionEnd = VERSION.length();
        int idEnd = versionEnd + 1 + CookieKey.ID_CHARS;
        if (encoded.length() <= idEnd
                || !encoded.startsWith(VERSION)
                || encoded.charAt(versionEnd) != '.'
                || encoded.charAt(idEnd) != '.') {
            throw new BadSignatureException("not an encrypted session cookie (" + VERSION + " format)");
        }
        String id = encoded.substring(versionEnd + 1, idEnd);
        byte[] blob = strictBase64(encoded.substring(idEnd + 1));
        if (blob.length < MIN_BLOB_BYTES) {
            throw new BadSignatureException("encrypted session cookie is truncated");
        }
        byte[] plain = null;
        boolean knownId = false;
        for (int i = 0; i < keys.size() && plain == null; i++) {
            CookieKey key = keys.get(i);
            if (key.id().equals(id)) {
                knownId = true;
                plain = decrypt(key, associatedData.get(i), blob);
            }
        }
        if (!knownId) {
            throw new BadSignatureException("session cookie encrypted with an unknown key (id " + id + ")");
        }
        if (plain == null) {
            throw new BadSignatureException("session cookie failed authentication (tampered, or for another cookie)");
        }
        return open(plain);
    }

    private DecodedSession open(byte[] plain) {
        int flags = plain[0] & 0xff;
        if ((flags & ~FLAG_COMPRESSED) != 0) {
            throw new MalformedPayloadException("unknown flags in encrypted session cookie: " + flags);
        }
        long issuedAt = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            issuedAt = (issuedAt << 8) | (plain[1 + i] & 0xff);
        }
        Instant now = clock.instant();
        SecurityLog.checkAge(engineName, issuedAt, now, maxAge);
        Instant signedAt;
        try {
            signedAt = Instant.ofEpochSecond(issuedAt);
        } catch (DateTimeException e) {
            throw new MalformedPayloadException("issue time out of range");
        }
        if (SecurityLog.fromTheFuture(signedAt, now)) {
            throw new BadSignatureException("session cookie issued " + (issuedAt - now.getEpochSecond())
                    + " s in the future, beyond the allowed clock skew of "
                    + SecurityLog.MAX_CLOCK_SKEW.getSeconds() + " s");
        }
        byte[] json = java.util.Arrays.copyOfRange(plain, HEADER_BYTES, plain.length);
        if ((flags & FLAG_COMPRESSED) != 0) {
            try {
                json = ZlibCodec.decompress(json, maxPayloadBytes);
            } catch (IllegalArgumentException e) {
                throw new MalformedPayloadException("invalid compressed payload: " + e.getMessage());
            }
        } else if (json.length > maxPayloadBytes) {
            throw new MalformedPayloadException("payload larger than " + maxPayloadBytes + " bytes");
        }
        Object value;
        try {
            value = serializer.deserialize(json);
        } catch (MalformedPayloadException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new MalformedPayloadException(
                    "payload rejected by the " + serializer.name() + " serializer: "
                            + e.getClass().getSimpleName(),
                    e);
        }
        if (!(value instanceof Map)) {
            throw new MalformedPayloadException("session data is not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) value;
        return new DecodedSession(data, signedAt);
    }

    /** Decrypts and authenticates, or returns {@code null} if the tag does not match. */
    private static byte[] decrypt(CookieKey key, byte[] aad, byte[] blob) {
        Cipher cipher = CIPHERS.get();
        try {
            cipher.init(Cipher.DECRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, blob, 0, NONCE_BYTES));
            cipher.updateAAD(aad);
            return cipher.doFinal(blob, NONCE_BYTES, blob.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    /**
     * URL-safe base64 without padding, in its one canonical spelling: any other spelling of the same
     * bytes (padding, non-zero unused bits) is refused, so that every change to a value is noticed.
     */
    private static byte[] strictBase64(String text) {
        byte[] bytes;
        try {
            bytes = BASE64_URL.decode(text);
        } catch (IllegalArgumentException e) {
            throw new MalformedPayloadException("invalid base64 in encrypted session cookie");
        }
        if (!DjangoBase64.encode(bytes).equals(text)) {
            throw new MalformedPayloadException("non-canonical base64 in encrypted session cookie");
        }
        return bytes;
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks AES/GCM/NoPadding", e);
        }
    }

    @Override
    public String toString() {
        return "EncryptedCookieCodec[" + VERSION + ", AES-256-GCM, keys=" + keys.size() + "]";
    }
}
