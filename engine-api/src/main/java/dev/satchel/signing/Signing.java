package dev.satchel.signing;

import dev.satchel.codec.JsonSerializer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Django's {@code django.core.signing.dumps} and {@code loads}: sign any JSON value into a URL-safe
 * string and get it back only if nobody changed it. For repeated use build a {@link TimestampSigner}
 * once instead; these helpers derive the key on every call.
 */
public final class Signing {
    /** Django's default salt for {@code dumps}/{@code loads}. */
    public static final String DEFAULT_SALT = "django.core.signing";

    private Signing() {}

    /** {@code signing.dumps(value, key, salt, compress)} with Django's JSON and the system clock. */
    public static String dumps(Object value, String secretKey, String salt, boolean compress) {
        return signer(secretKey, List.of(), salt, Clock.systemUTC())
                .signObject(value, JsonSerializer.create(), compress);
    }

    /**
     * {@code signing.loads(signed, key, salt, max_age, fallback_keys)}.
     *
     * @param maxAge the oldest signature accepted, or {@code null} for no limit
     * @throws dev.satchel.BadSignatureException if the value was tampered with, is malformed ({@link
     *     dev.satchel.MalformedPayloadException}) or is older than {@code maxAge} ({@link
     *     dev.satchel.SignatureExpiredException})
     */
    public static Object loads(
            String signed, String secretKey, List<String> fallbackKeys, String salt, Duration maxAge) {
        return signer(secretKey, fallbackKeys, salt, Clock.systemUTC())
                .unsignObject(signed, JsonSerializer.create(), maxAge);
    }

    private static TimestampSigner signer(String secretKey, List<String> fallbackKeys, String salt, Clock clock) {
        return TimestampSigner.builder()
                .secretKey(secretKey)
                .fallbackKeys(fallbackKeys)
                .salt(salt == null || salt.isEmpty() ? DEFAULT_SALT : salt)
                .clock(clock)
                .build();
    }
}
