package dev.satchel.signing;

import dev.satchel.BadSignatureException;
import dev.satchel.MalformedPayloadException;
import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionTooLargeException;
import dev.satchel.SignatureExpiredException;
import dev.satchel.codec.SessionSerializer;
import dev.satchel.internal.Base62;
import dev.satchel.internal.DjangoBase64;
import dev.satchel.internal.StrictUtf8;
import dev.satchel.internal.ZlibCodec;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Django's {@code TimestampSigner} plus its object format ({@code signing.dumps} /
 * {@code signing.loads}, which session encoding uses): {@code sign(v) = v:ts:sig} where {@code ts}
 * is the base62 of the signing time in whole seconds and {@code sig} signs {@code v:ts}; objects are
 * serialized, optionally zlib-compressed (marked by a leading {@code '.'}), base64-encoded and then
 * signed.
 *
 * <p>Instances are immutable and thread-safe; keys are derived once when the signer is built.
 *
 * <p>Reading is bounded: a signed string longer than base64 of {@link #maxPayloadBytes()} (plus
 * room for the marker, timestamp, separators and signature) is refused before any HMAC is
 * computed, and decoded or decompressed payloads may not exceed {@link #maxPayloadBytes()} either,
 * so even a validly signed zlib bomb fails fast. Signing has no such limit; values that exceed it
 * cannot be read back by the same signer.
 *
 * <p>Errors: a mismatching signature or a missing separator is a {@link BadSignatureException}; a
 * signature older than the allowed age is a {@link SignatureExpiredException}; a value that is too
 * long, or validly signed but undecodable (no or invalid timestamp, bad base64, bad zlib data,
 * payload too large, rejected by the serializer), is a {@link MalformedPayloadException}. One
 * deliberate difference from Django: a timestamp beyond the range of {@code long} (which only the
 * key holder could produce) is refused as malformed, where Python would read it as a big integer. All three
 * are {@code BadSignatureException}s; nothing else is thrown for any input string.
 */
public final class TimestampSigner {
    /** The salt Django uses when none (or an empty one) is given. */
    public static final String DEFAULT_SALT = "django.core.signing.TimestampSigner";

    /** The default limit on decoded payloads: 1 MiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;

    /** The longest base62 timestamp a {@code long} can give, sign included. */
    private static final int MAX_TIMESTAMP_CHARS = 12;

    private final Signer signer;
    private final String separator;
    private final Clock clock;
    private final int maxPayloadBytes;
    private final long maxInputChars;

    private TimestampSigner(Builder b) {
        if (b.maxPayloadBytes <= 0) {
            throw new SessionConfigurationException("maxPayloadBytes must be positive, not " + b.maxPayloadBytes);
        }
        this.signer = Signer.builder()
                .secretKey(b.secretKey)
                .fallbackKeys(b.fallbackKeys)
                .salt(b.salt == null || b.salt.isEmpty() ? DEFAULT_SALT : b.salt)
                .separator(b.separator)
                .algorithm(b.algorithm)
                .acceptLegacySha1(b.acceptLegacySha1)
                .build();
        this.separator = signer.separator();
        this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
        this.maxPayloadBytes = b.maxPayloadBytes;
        long base64Chars = ((long) maxPayloadBytes + 2) / 3 * 4;
        this.maxInputChars = 1 // the compression marker
                + base64Chars
                + 2L * separator.length()
                + MAX_TIMESTAMP_CHARS
                + SigningAlgorithm.SHA512.signatureLength();
    }

    /** A builder; only the secret key is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@code value:timestamp:signature}, with the timestamp taken from the clock (whole seconds,
     * truncated as Python's {@code int(time.time())} does).
     *
     * @throws IllegalArgumentException if the value holds an unpaired surrogate
     */
    public String sign(String value) {
        return signer.sign(value + separator + Base62.encode(currentTimestamp()));
    }

    /**
     * Verifies a value made by {@link #sign} and returns it, without an age limit.
     *
     * @throws BadSignatureException if it is not validly signed (see the class description for the
     *     subclasses)
     */
    public String unsign(String signed) {
        return verify(signed, null).value();
    }

    /**
     * Verifies a value made by {@link #sign} and returns it, refusing it when it is older than
     * {@code maxAge}. The age is the clock's current instant (with its fraction) minus the whole
     * seconds in the value; an age equal to {@code maxAge} passes and future timestamps are
     * accepted, as in Django.
     *
     * @param maxAge the largest age accepted, or {@code null} for no limit
     * @throws SignatureExpiredException if the signature is valid but too old
     * @throws BadSignatureException if it is not validly signed
     */
    public String unsign(String signed, Duration maxAge) {
        return verify(signed, maxAge).value();
    }

    /**
     * Django's {@code sign_object} ({@code signing.dumps} with this signer's key and salt): the
     * serializer's bytes, zlib-compressed if {@code compress} is set and that saves at least two
     * bytes, URL-safe base64 without padding, a leading {@code '.'} when compressed, then {@link
     * #sign}.
     *
     * @throws IllegalArgumentException if the serializer cannot represent the value
     * @throws SessionTooLargeException if the serialized value is over {@link #maxPayloadBytes()},
     *     which {@link #unsignObject} would refuse
     */
    public String signObject(Object value, SessionSerializer serializer, boolean compress) {
        Objects.requireNonNull(serializer, "serializer");
        byte[] data = serializer.serialize(value);
        if (data.length > maxPayloadBytes) {
            // The reader refuses what is over the limit, so the writer must too: before compression,
            // since compressible data would otherwise be stored and then never read back.
            throw new SessionTooLargeException("the serialized session is " + data.length + " bytes, over the "
                    + maxPayloadBytes + " bytes this signer reads back (satchel.max-payload-bytes); nothing was"
                    + " signed or stored: keep less data in the session");
        }
        boolean compressed = false;
        if (compress) {
            byte[] zipped = ZlibCodec.compress(data);
            // The '.' marker costs a character, so compression must save at least two bytes.
            if (zipped.length < data.length - 1) {
                data = zipped;
                compressed = true;
            }
        }
        String base64 = DjangoBase64.encode(data);
        return sign(compressed ? "." + base64 : base64);
    }

    /**
     * Django's {@code unsign_object} ({@code signing.loads}): verifies, checks the age, decodes the
     * base64 exactly as Django does, inflates when marked compressed (never beyond {@link
     * #maxPayloadBytes()}) and deserializes.
     *
     * @param maxAge the largest age accepted, or {@code null} for no limit
     * @throws SignatureExpiredException if the signature is valid but too old
     * @throws MalformedPayloadException if the value is validly signed but cannot be decoded
     * @throws BadSignatureException if it is not validly signed
     */
    public Object unsignObject(String signed, SessionSerializer serializer, Duration maxAge) {
        Objects.requireNonNull(serializer, "serializer");
        return decodePayload(verify(signed, maxAge).value(), serializer);
    }

    /**
     * Like {@link #unsignObject} but also returns when the value was signed, which sessions stored
     * in cookies need to compute their expiry.
     *
     * @throws MalformedPayloadException also when the timestamp is outside the range of {@link
     *     Instant}
     */
    public SignedObject unsignObjectWithTimestamp(String signed, SessionSerializer serializer, Duration maxAge) {
        Objects.requireNonNull(serializer, "serializer");
        Verified verified = verify(signed, maxAge);
        Instant signedAt;
        try {
            signedAt = Instant.ofEpochSecond(verified.timestamp());
        } catch (DateTimeException e) {
            throw new MalformedPayloadException("signing timestamp out of range");
        }
        return new SignedObject(decodePayload(verified.value(), serializer), signedAt);
    }

    /** The separator between value, timestamp and signature. */
    public String separator() {
        return separator;
    }

    /** The salt in effect (Django's default when none or an empty one was given). */
    public String salt() {
        return signer.salt();
    }

    /** The hash function that signs. */
    public SigningAlgorithm algorithm() {
        return signer.algorithm();
    }

    /** The clock used for timestamps and age checks. */
    public Clock clock() {
        return clock;
    }

    /** The largest decoded or decompressed payload accepted, in bytes. */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** The longest signed string accepted, in characters; longer input is refused unread. */
    public long maxInputChars() {
        return maxInputChars;
    }

    @Override
    public String toString() {
        return "TimestampSigner[salt=" + signer.salt() + ", sep=" + separator + ", algorithm="
                + signer.algorithm().djangoName() + "]";
    }

    private long currentTimestamp() {
        Instant now = clock.instant();
        long seconds = now.getEpochSecond();
        // Python's int() truncates toward zero; Instant's seconds are the floor.
        return seconds < 0 && now.getNano() > 0 ? seconds + 1 : seconds;
    }

    private record Verified(String value, long timestamp) {}

    private Verified verify(String signed, Duration maxAge) {
        if (signed == null) {
            throw new BadSignatureException("No value to unsign");
        }
        if (signed.length() > maxInputChars) {
            throw new MalformedPayloadException(
                    "signed value too long: " + signed.length() + " characters, limit " + maxInputChars);
        }
        String result = signer.unsign(signed);
        int at = result.lastIndexOf(separator);
        if (at < 0) {
            throw new MalformedPayloadException("signed value has no timestamp");
        }
        long timestamp;
        try {
            timestamp = Base62.decode(result.substring(at + separator.length()));
        } catch (IllegalArgumentException e) {
            throw new MalformedPayloadException("invalid timestamp: " + e.getMessage());
        }
        if (maxAge != null) {
            checkAge(timestamp, maxAge);
        }
        return new Verified(result.substring(0, at), timestamp);
    }

    private void checkAge(long timestamp, Duration maxAge) {
        Instant now = clock.instant();
        long ageSeconds;
        try {
            ageSeconds = Math.subtractExact(now.getEpochSecond(), timestamp);
        } catch (ArithmeticException e) {
            // |age| beyond 2^63 seconds: a timestamp far in the past is expired, one far in the
            // future is not (Django accepts future timestamps).
            if (timestamp < 0) {
                throw new SignatureExpiredException("Signature age exceeds " + seconds(maxAge) + " seconds");
            }
            return;
        }
        int ageNanos = now.getNano();
        boolean expired =
                ageSeconds > maxAge.getSeconds() || (ageSeconds == maxAge.getSeconds() && ageNanos > maxAge.getNano());
        if (expired) {
            throw new SignatureExpiredException("Signature age "
                    + BigDecimal.valueOf(ageSeconds)
                            .add(BigDecimal.valueOf(ageNanos, 9))
                            .stripTrailingZeros()
                            .toPlainString()
                    + " > " + seconds(maxAge) + " seconds");
        }
    }

    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.getSeconds())
                .add(BigDecimal.valueOf(duration.getNano(), 9))
                .stripTrailingZeros()
                .toPlainString();
    }

    private Object decodePayload(String payload, SessionSerializer serializer) {
        byte[] text;
        try {
            // Django works on the UTF-8 bytes of the unsigned text (non-ASCII bytes are base64 junk).
            text = StrictUtf8.encode(payload);
        } catch (IllegalArgumentException e) {
            throw new MalformedPayloadException("signed payload is not valid text");
        }
        boolean compressed = text.length > 0 && text[0] == '.';
        byte[] data;
        try {
            data = DjangoBase64.decode(text, compressed ? 1 : 0, text.length, maxPayloadBytes);
        } catch (IllegalArgumentException e) {
            throw new MalformedPayloadException("invalid base64 payload: " + e.getMessage());
        }
        if (compressed) {
            try {
                data = ZlibCodec.decompress(data, maxPayloadBytes);
            } catch (IllegalArgumentException e) {
                throw new MalformedPayloadException("invalid compressed payload: " + e.getMessage());
            }
        }
        try {
            return serializer.deserialize(data);
        } catch (MalformedPayloadException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new MalformedPayloadException(
                    "payload rejected by the " + serializer.name() + " serializer: "
                            + e.getClass().getSimpleName(),
                    e);
        }
    }

    /**
     * Collects the settings of a {@link TimestampSigner}. Unset or {@code null} optional settings
     * take Django's defaults; everything is validated by {@link #build()}.
     */
    public static final class Builder {
        private String secretKey;
        private List<String> fallbackKeys = List.of();
        private String salt;
        private String separator;
        private SigningAlgorithm algorithm;
        private boolean acceptLegacySha1;
        private Clock clock;
        private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;

        private Builder() {}

        /** The key that signs and is tried first when verifying ({@code SECRET_KEY}). Required. */
        public Builder secretKey(String secretKey) {
            this.secretKey = secretKey;
            return this;
        }

        /** Older keys still accepted when verifying, tried in order ({@code SECRET_KEY_FALLBACKS}). */
        public Builder fallbackKeys(List<String> fallbackKeys) {
            this.fallbackKeys = fallbackKeys == null ? List.of() : new java.util.ArrayList<>(fallbackKeys);
            return this;
        }

        /**
         * The namespace of the signature; {@code null} or empty means {@value #DEFAULT_SALT}. Note
         * that Django's {@code signing.dumps} passes {@code django.core.signing} and sessions pass
         * {@code django.contrib.sessions.SessionStore}.
         */
        public Builder salt(String salt) {
            this.salt = salt;
            return this;
        }

        /** The separator (default {@code ":"}); unsafe separators are refused as by {@link Signer}. */
        public Builder separator(String separator) {
            this.separator = separator;
            return this;
        }

        /** The hash function (default {@link SigningAlgorithm#SHA256}). */
        public Builder algorithm(SigningAlgorithm algorithm) {
            this.algorithm = algorithm;
            return this;
        }

        /** Also accept SHA-1 signatures, as Django 3.1 and 3.2 did (default {@code false}). */
        public Builder acceptLegacySha1(boolean acceptLegacySha1) {
            this.acceptLegacySha1 = acceptLegacySha1;
            return this;
        }

        /** The clock for timestamps and age checks (default: the system clock, UTC). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * The largest decoded or decompressed payload accepted, in bytes (default 1 MiB); it also
         * bounds the length of signed strings accepted for verification.
         */
        public Builder maxPayloadBytes(int maxPayloadBytes) {
            this.maxPayloadBytes = maxPayloadBytes;
            return this;
        }

        /**
         * Validates the settings, derives the keys and returns the signer.
         *
         * @throws SessionConfigurationException if the secret key is missing or empty, a fallback key
         *     is empty, the separator is unsafe or the payload limit is not positive
         */
        public TimestampSigner build() {
            return new TimestampSigner(this);
        }
    }
}
