package dev.satchel.bench;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Django's {@code signing.dumps(..., compress=True)} and {@code signing.loads} done directly with the
 * JDK and Jackson: the least any Django-compatible session encoding costs. Writing: JSON as Python's
 * {@code json.dumps(separators=(',', ':'))} writes it (Jackson, compact, non-ASCII escaped in
 * lower-case hex), zlib when that saves two bytes or more (marked by a leading {@code '.'}),
 * base64url, the signing time in base62, and HMAC-SHA256 under Django's salted key ({@code
 * sha256(salt + "signer" + secret)}). Reading: the signature, the age when a maximum is given,
 * inflation, JSON. Nothing of Satchel is used. Thread-safe.
 */
final class DjangoCodec {
    /** The salt Django's server-side backends sign with ({@code SessionBase.key_salt} in Django 3.2). */
    static final String SERVER_SALT = "django.contrib.sessions.SessionStore";

    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** Python's escapes (non-ASCII as lower-case hex); the payloads hold no float or DEL, where Python differs. */
    private final ObjectMapper json = JsonMapper.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .build();

    private final ThreadLocal<Mac> macs;
    private final ThreadLocal<Deflater> deflaters = ThreadLocal.withInitial(() -> new Deflater(6));
    private final ThreadLocal<Inflater> inflaters = ThreadLocal.withInitial(Inflater::new);
    private final Clock clock;
    private final long maxAgeSeconds;

    /**
     * @param secret Django's {@code SECRET_KEY}
     * @param salt the signing salt of the backend imitated
     * @param maxAge older values are refused on decode; {@code null} for no age check (Django's
     *     server-side backends check none)
     * @param clock the signing time and the age check (the engine's clock)
     */
    DjangoCodec(String secret, String salt, Duration maxAge, Clock clock) {
        this.clock = clock;
        this.maxAgeSeconds = maxAge == null ? Long.MAX_VALUE : maxAge.getSeconds();
        byte[] key;
        try {
            key = MessageDigest.getInstance("SHA-256")
                    .digest((salt + "signer" + secret).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The session in {@code cookie}, checked and parsed. */
    Map<?, ?> decode(String cookie) {
        int sigAt = cookie.lastIndexOf(':');
        String signed = cookie.substring(0, sigAt);
        if (!MessageDigest.isEqual(
                signature(signed), cookie.substring(sigAt + 1).getBytes(StandardCharsets.US_ASCII))) {
            throw new IllegalStateException("bad signature");
        }
        int timeAt = signed.lastIndexOf(':');
        long age = clock.instant().getEpochSecond() - base62(signed, timeAt + 1);
        if (age > maxAgeSeconds) {
            throw new IllegalStateException("signed " + age + " s ago, over the maximum age");
        }
        boolean compressed = signed.charAt(0) == '.';
        byte[] bytes = B64D.decode(signed.substring(compressed ? 1 : 0, timeAt));
        try {
            return json.readValue(compressed ? inflate(bytes) : bytes, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The signed value for {@code data}, signed now. */
    String encode(Map<String, Object> data) {
        byte[] raw;
        try {
            raw = json.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] zipped = deflate(raw);
        String payload = zipped.length < raw.length - 1 ? "." + B64.encodeToString(zipped) : B64.encodeToString(raw);
        String signed = payload + ':' + base62(clock.instant().getEpochSecond());
        return signed + ':' + new String(signature(signed), StandardCharsets.US_ASCII);
    }

    private byte[] signature(String signed) {
        return B64.encode(macs.get().doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
    }

    private byte[] deflate(byte[] in) {
        Deflater d = deflaters.get();
        d.reset();
        d.setInput(in);
        d.finish();
        byte[] out = new byte[in.length + 64];
        int n = 0;
        while (!d.finished()) {
            if (n == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            n += d.deflate(out, n, out.length - n);
        }
        return Arrays.copyOf(out, n);
    }

    private byte[] inflate(byte[] in) {
        Inflater inf = inflaters.get();
        inf.reset();
        inf.setInput(in);
        byte[] out = new byte[in.length * 4 + 64];
        int n = 0;
        try {
            while (!inf.finished()) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                int got = inf.inflate(out, n, out.length - n);
                if (got == 0 && inf.needsInput()) {
                    throw new IllegalStateException("truncated zlib data");
                }
                n += got;
            }
        } catch (DataFormatException e) {
            throw new IllegalStateException(e);
        }
        return Arrays.copyOf(out, n);
    }

    static String base62(long n) {
        if (n == 0) {
            return "0";
        }
        StringBuilder sb = new StringBuilder(8);
        for (long v = n; v > 0; v /= 62) {
            sb.append(BASE62.charAt((int) (v % 62)));
        }
        return sb.reverse().toString();
    }

    private static long base62(String s, int from) {
        long v = 0;
        for (int i = from; i < s.length(); i++) {
            int digit = BASE62.indexOf(s.charAt(i));
            if (digit < 0) {
                throw new IllegalStateException("bad timestamp");
            }
            v = v * 62 + digit;
        }
        return v;
    }
}
