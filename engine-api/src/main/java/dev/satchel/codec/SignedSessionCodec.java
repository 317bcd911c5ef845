package dev.satchel.codec;

import dev.satchel.BadSignatureException;
import dev.satchel.MalformedPayloadException;
import dev.satchel.SignatureExpiredException;
import dev.satchel.signing.SaltedHmac;
import dev.satchel.signing.SignedObject;
import dev.satchel.signing.SigningAlgorithm;
import dev.satchel.signing.TimestampSigner;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Django's session encoding: {@code signing.dumps(data, salt=..., compress=True)}, that is
 * {@code [.]base64url(json):base62(time):base64url(hmac)}. Signing keys are derived once, so the
 * codec is cheap to call and safe to share between threads.
 */
public final class SignedSessionCodec implements SessionCodec {
    private final TimestampSigner signer;
    private final SessionSerializer serializer;
    private final Duration maxAge;
    private final SaltedHmac legacyHmac;
    private final int maxPayloadBytes;

    private SignedSessionCodec(Builder b) {
        this.serializer = b.serializer == null ? JsonSerializer.create() : b.serializer;
        this.maxAge = b.maxAge;
        this.maxPayloadBytes = b.maxPayloadBytes > 0 ? b.maxPayloadBytes : 1 << 20;
        this.legacyHmac =
                b.acceptDjango32Formats ? SaltedHmac.of(legacySalt(b.salt), b.secretKey, SigningAlgorithm.SHA1) : null;
        TimestampSigner.Builder sb = TimestampSigner.builder()
                .secretKey(Objects.requireNonNull(b.secretKey, "secretKey"))
                .fallbackKeys(b.fallbackKeys)
                .salt(Objects.requireNonNull(b.salt, "salt"))
                .algorithm(b.algorithm)
                .acceptLegacySha1(b.acceptDjango32Formats)
                .clock(b.clock);
        if (b.maxPayloadBytes > 0) {
            sb.maxPayloadBytes(b.maxPayloadBytes);
        }
        this.signer = sb.build();
    }

    /** A builder; the secret key and salt are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String encode(Map<String, Object> data) {
        return signer.signObject(data, serializer, true);
    }

    @Override
    @SuppressWarnings("unchecked")
    public DecodedSession decode(String encoded) {
        SignedObject signed;
        try {
            signed = signer.unsignObjectWithTimestamp(encoded, serializer, maxAge);
        } catch (MalformedPayloadException | SignatureExpiredException e) {
            throw e;
        } catch (BadSignatureException e) {
            if (legacyHmac == null) {
                throw e;
            }
            return new DecodedSession(asMap(legacyDecode(encoded)), null);
        }
        return new DecodedSession(asMap(signed.value()), signed.signedAt());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object value) {
        if (!(value instanceof Map)) {
            throw new MalformedPayloadException("session data is not a JSON object");
        }
        return (Map<String, Object>) value;
    }

    /**
     * Django before 3.1: standard base64 of {@code <hex HMAC-SHA1>:<json>}, keyed with the salt
     * {@code "django.contrib.sessions" + class name} (no dot). Django 3.1 and 3.2 still read it.
     */
    private Object legacyDecode(String encoded) {
        if (encoded.length() > (maxPayloadBytes / 3 + 1) * 4 + 64) {
            throw new MalformedPayloadException("legacy session value is too large");
        }
        byte[] raw;
        try {
            // The MIME decoder skips characters outside the alphabet, as Python's b64decode does.
            raw = Base64.getMimeDecoder().decode(encoded.getBytes(StandardCharsets.ISO_8859_1));
        } catch (IllegalArgumentException e) {
            throw new BadSignatureException("not a signed session value");
        }
        int colon = -1;
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon < 0) {
            throw new BadSignatureException("not a signed session value");
        }
        byte[] hash = java.util.Arrays.copyOfRange(raw, 0, colon);
        byte[] serialized = java.util.Arrays.copyOfRange(raw, colon + 1, raw.length);
        byte[] expected = hex(legacyHmac.digest(serialized)).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(hash, expected)) {
            throw new BadSignatureException("legacy session hash does not match");
        }
        return serializer.deserialize(serialized);
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    /** {@code django.contrib.sessions.SessionStore} becomes {@code django.contrib.sessionsSessionStore}. */
    private static String legacySalt(String salt) {
        int dot = salt.lastIndexOf('.');
        return dot < 0 ? salt : salt.substring(0, dot) + salt.substring(dot + 1);
    }

    /** Builds a {@link SignedSessionCodec}. */
    public static final class Builder {
        private String secretKey;
        private List<String> fallbackKeys = List.of();
        private SigningAlgorithm algorithm = SigningAlgorithm.SHA256;
        private String salt;
        private Duration maxAge;
        private int maxPayloadBytes;
        private SessionSerializer serializer;
        private Clock clock = Clock.systemUTC();
        private boolean acceptDjango32Formats;

        private Builder() {}

        /**
         * Also read what Django 3.1 and 3.2 read: SHA-1 signatures and the pre-3.1 session format
         * (off by default, as in Django 4.0 and later). Writing is unchanged.
         */
        public Builder acceptDjango32Formats(boolean accept) {
            this.acceptDjango32Formats = accept;
            return this;
        }

        /** The key that signs. */
        public Builder secretKey(String key) {
            this.secretKey = key;
            return this;
        }

        /** Older keys accepted when verifying. */
        public Builder fallbackKeys(List<String> keys) {
            this.fallbackKeys = List.copyOf(keys);
            return this;
        }

        /** The HMAC hash (default SHA-256). */
        public Builder algorithm(SigningAlgorithm algorithm) {
            this.algorithm = Objects.requireNonNull(algorithm);
            return this;
        }

        /** The signing salt, for example {@code django.contrib.sessions.SessionStore}. */
        public Builder salt(String salt) {
            this.salt = salt;
            return this;
        }

        /** The oldest signature accepted on decode; {@code null} (the default) checks no age. */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = maxAge;
            return this;
        }

        /** The largest decoded payload in bytes (default: the signer's, 1 MiB). */
        public Builder maxPayloadBytes(int bytes) {
            this.maxPayloadBytes = bytes;
            return this;
        }

        /** The serializer (default {@link JsonSerializer}). */
        public Builder serializer(SessionSerializer serializer) {
            this.serializer = serializer;
            return this;
        }

        /** The clock for timestamps and age checks. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** The codec. */
        public SignedSessionCodec build() {
            return new SignedSessionCodec(this);
        }
    }
}
