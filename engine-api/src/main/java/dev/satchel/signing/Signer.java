package dev.satchel.signing;

import dev.satchel.BadSignatureException;
import dev.satchel.MalformedPayloadException;
import dev.satchel.SessionConfigurationException;
import dev.satchel.internal.DjangoBase64;
import dev.satchel.internal.SensitiveValues;
import dev.satchel.internal.StrictUtf8;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Django's {@code django.core.signing.Signer}: {@code sign(v) = v + sep + signature(v)} where the
 * signature is the unpadded URL-safe base64 of {@code salted_hmac(salt + "signer", v, key)}.
 * Verification tries the current key, then each fallback key ({@code SECRET_KEY_FALLBACKS}), and
 * compares signatures as text in constant time.
 *
 * <p>Instances are immutable and thread-safe; keys are derived once when the signer is built.
 */
public final class Signer {
    /** The salt Django uses when none (or an empty one) is given. */
    public static final String DEFAULT_SALT = "django.core.signing.Signer";

    /** The default separator between value and signature. */
    public static final String DEFAULT_SEPARATOR = ":";

    /**
     * Separators Django refuses: Python's {@code ^[A-z0-9-_=]*$}. {@code A-z} also spans
     * {@code [ \ ] ^ _} and the backtick, and Python's {@code $} also matches before one final
     * newline, hence the optional {@code \n}.
     */
    private static final Pattern UNSAFE_SEPARATOR = Pattern.compile("[A-z0-9\\-_=]*\\n?");

    /** The longest signature any supported algorithm produces (SHA-512). */
    private static final int MAX_SIGNATURE_CHARS = SigningAlgorithm.SHA512.signatureLength();

    private final String separator;
    private final String salt;
    private final SigningAlgorithm algorithm;
    private final boolean acceptLegacySha1;
    private final int fallbackKeyCount;
    private final SaltedHmac signing;
    /** The current key's HMAC first, then the fallbacks'; legacy SHA-1 ones after each key's own. */
    private final SaltedHmac[] verifiers;

    private Signer(Builder b) {
        this.separator = b.separator == null ? DEFAULT_SEPARATOR : b.separator;
        this.salt = b.salt == null || b.salt.isEmpty() ? DEFAULT_SALT : b.salt;
        this.algorithm = b.algorithm == null ? SigningAlgorithm.SHA256 : b.algorithm;
        this.acceptLegacySha1 = b.acceptLegacySha1;
        checkKey(b.secretKey, "secretKey");
        List<String> fallbacks = b.fallbackKeys == null ? List.of() : b.fallbackKeys;
        for (int i = 0; i < fallbacks.size(); i++) {
            checkKey(fallbacks.get(i), "fallbackKeys[" + i + "]");
        }
        checkSeparator(separator);
        if (!StrictUtf8.isEncodable(salt)) {
            throw new SessionConfigurationException("the signing salt holds an unpaired surrogate");
        }
        this.fallbackKeyCount = fallbacks.size();
        String keySalt = salt + "signer";
        List<SaltedHmac> all = new ArrayList<>();
        List<String> keys = new ArrayList<>(fallbacks.size() + 1);
        keys.add(b.secretKey);
        keys.addAll(fallbacks);
        for (String key : keys) {
            all.add(SaltedHmac.of(keySalt, key, algorithm));
            if (acceptLegacySha1 && algorithm != SigningAlgorithm.SHA1) {
                all.add(SaltedHmac.of(keySalt, key, SigningAlgorithm.SHA1));
            }
        }
        this.signing = all.get(0);
        this.verifiers = all.toArray(new SaltedHmac[0]);
    }

    /** A builder; only the secret key is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The signature of {@code value} under the current key: unpadded URL-safe base64 of its salted
     * HMAC (43 characters for SHA-256).
     *
     * @throws IllegalArgumentException if the value holds an unpaired surrogate, which has no UTF-8
     *     form (Django fails on it too)
     */
    public String signature(String value) {
        return new String(signatureBytes(signing, StrictUtf8.encode(value)), StandardCharsets.US_ASCII);
    }

    /**
     * {@code value + separator + signature(value)}, exactly as Django's {@code Signer.sign}.
     *
     * @throws IllegalArgumentException if the value holds an unpaired surrogate
     */
    public String sign(String value) {
        String signed = value + separator + signature(value);
        SensitiveValues.handled(signed);
        return signed;
    }

    /**
     * Verifies {@code signed} and returns the value before the last separator.
     *
     * @throws BadSignatureException if there is no separator or the signature matches neither the
     *     current key nor any fallback key
     * @throws MalformedPayloadException if the value part cannot be encoded as UTF-8 (an unpaired
     *     surrogate), so it can never have been signed
     */
    public String unsign(String signed) {
        if (signed == null) {
            throw new BadSignatureException("No value to unsign");
        }
        int at = signed.lastIndexOf(separator);
        if (at < 0) {
            throw new BadSignatureException("No \"" + shortText(separator) + "\" found in value");
        }
        String value = signed.substring(0, at);
        String signature = signed.substring(at + separator.length());
        byte[] valueBytes;
        try {
            valueBytes = StrictUtf8.encode(value);
        } catch (IllegalArgumentException e) {
            throw new MalformedPayloadException("signed value is not valid text: " + e.getMessage());
        }
        byte[] given = asciiOrNull(signature);
        if (given == null) {
            throw mismatch(signature);
        }
        boolean ok = false;
        for (SaltedHmac verifier : verifiers) {
            // No early exit: the work done does not reveal which key, if any, matched.
            ok |= MessageDigest.isEqual(signatureBytes(verifier, valueBytes), given);
        }
        if (!ok) {
            throw mismatch(signature);
        }
        return value;
    }

    /** The separator between value and signature. */
    public String separator() {
        return separator;
    }

    /** The salt in effect (Django's default when none or an empty one was given). */
    public String salt() {
        return salt;
    }

    /** The hash function that signs. */
    public SigningAlgorithm algorithm() {
        return algorithm;
    }

    /** Whether SHA-1 signatures are also accepted, as Django 3.1/3.2 did. */
    public boolean acceptsLegacySha1() {
        return acceptLegacySha1;
    }

    /** How many fallback keys verification tries after the current key. */
    public int fallbackKeyCount() {
        return fallbackKeyCount;
    }

    @Override
    public String toString() {
        return "Signer[salt=" + salt + ", sep=" + separator + ", algorithm=" + algorithm.djangoName() + "]";
    }

    private static byte[] signatureBytes(SaltedHmac hmac, byte[] value) {
        return DjangoBase64.encodeToBytes(hmac.digest(value));
    }

    /** The signature's bytes if it could possibly be one (short, ASCII), else {@code null}. */
    private static byte[] asciiOrNull(String signature) {
        int length = signature.length();
        if (length > MAX_SIGNATURE_CHARS) {
            return null;
        }
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            char c = signature.charAt(i);
            if (c >= 0x80) {
                return null;
            }
            bytes[i] = (byte) c;
        }
        return bytes;
    }

    private static BadSignatureException mismatch(String signature) {
        return new BadSignatureException("Signature \"" + shortText(signature) + "\" does not match");
    }

    /** Text for a message: printable ASCII up to 90 characters, otherwise elided. */
    static String shortText(String text) {
        if (text.length() > 90) {
            return "<" + text.length() + " characters>";
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7F) {
                return "<" + text.length() + " characters>";
            }
        }
        return text;
    }

    private static void checkKey(String key, String what) {
        if (key == null || key.isEmpty()) {
            throw new SessionConfigurationException(what + " must be a non-empty secret");
        }
        if (!StrictUtf8.isEncodable(key)) {
            throw new SessionConfigurationException(what + " holds an unpaired surrogate");
        }
    }

    static void checkSeparator(String separator) {
        if (UNSAFE_SEPARATOR.matcher(separator).matches()) {
            throw new SessionConfigurationException("Unsafe Signer separator: '" + shortText(separator)
                    + "' (cannot be empty or consist of only A-z0-9-_=)");
        }
        if (!StrictUtf8.isEncodable(separator)) {
            throw new SessionConfigurationException("the separator holds an unpaired surrogate");
        }
    }

    /**
     * Collects the settings of a {@link Signer}. Unset or {@code null} optional settings take
     * Django's defaults; everything is validated by {@link #build()}.
     */
    public static final class Builder {
        private String secretKey;
        private List<String> fallbackKeys = List.of();
        private String salt;
        private String separator;
        private SigningAlgorithm algorithm;
        private boolean acceptLegacySha1;

        private Builder() {}

        /** The key that signs and is tried first when verifying ({@code SECRET_KEY}). Required. */
        public Builder secretKey(String secretKey) {
            this.secretKey = secretKey;
            return this;
        }

        /** Older keys still accepted when verifying, tried in order ({@code SECRET_KEY_FALLBACKS}). */
        public Builder fallbackKeys(List<String> fallbackKeys) {
            this.fallbackKeys = fallbackKeys == null ? List.of() : new ArrayList<>(fallbackKeys);
            return this;
        }

        /** The namespace of the signature; {@code null} or empty means {@value #DEFAULT_SALT}. */
        public Builder salt(String salt) {
            this.salt = salt;
            return this;
        }

        /**
         * The separator (default {@code ":"}). Django refuses separators that are empty or made only
         * of {@code A-z0-9-_=}, since those could occur in a signature; so does {@link #build()}.
         */
        public Builder separator(String separator) {
            this.separator = separator;
            return this;
        }

        /** The hash function (default {@link SigningAlgorithm#SHA256}). */
        public Builder algorithm(SigningAlgorithm algorithm) {
            this.algorithm = algorithm;
            return this;
        }

        /**
         * Also accept SHA-1 signatures when signing with another algorithm, as Django 3.1 and 3.2
         * did during their move to SHA-256 (default {@code false}; Django 4.0 dropped it).
         */
        public Builder acceptLegacySha1(boolean acceptLegacySha1) {
            this.acceptLegacySha1 = acceptLegacySha1;
            return this;
        }

        /**
         * Validates the settings, derives the keys and returns the signer.
         *
         * @throws SessionConfigurationException if the secret key is missing or empty, a fallback key
         *     is empty, or the separator is unsafe
         */
        public Signer build() {
            return new Signer(this);
        }
    }
}
