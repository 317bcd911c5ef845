package dev.satchel.cookie;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.zip.Inflater;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Django's {@code signing.loads} for SHA-256 and the default separator, written from its definition
 * with nothing but the JDK (no Satchel code), so that tests can check that Django accepts what the
 * engine writes: the HMAC key is {@code sha256(salt + "signer" + secret)}, the signature the unpadded
 * URL-safe base64 of HMAC-SHA256 over {@code payload:timestamp}, the timestamp base62, and a leading
 * {@code '.'} means zlib.
 */
final class DjangoSigningReference {
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private DjangoSigningReference() {}

    /** The JSON text of a cookie Django would accept, or an exception saying why it would not. */
    static String loads(String signed, String secret, String salt, long maxAgeSeconds, Instant now) throws Exception {
        int sigAt = signed.lastIndexOf(':');
        String value = signed.substring(0, sigAt);
        String signature = signed.substring(sigAt + 1);
        byte[] key = MessageDigest.getInstance("SHA-256")
                .digest((salt + "signer" + secret).getBytes(StandardCharsets.UTF_8));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String expected = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        if (!expected.equals(signature)) {
            throw new IllegalArgumentException("BadSignature: Signature \"" + signature + "\" does not match");
        }
        int tsAt = value.lastIndexOf(':');
        long timestamp = 0;
        for (char c : value.substring(tsAt + 1).toCharArray()) {
            timestamp = timestamp * 62 + BASE62.indexOf(c);
        }
        BigDecimal age = new BigDecimal(now.getEpochSecond())
                .add(BigDecimal.valueOf(now.getNano(), 9))
                .subtract(BigDecimal.valueOf(timestamp));
        if (age.compareTo(BigDecimal.valueOf(maxAgeSeconds)) > 0) {
            throw new IllegalArgumentException("SignatureExpired: age " + age + " > " + maxAgeSeconds);
        }
        String payload = value.substring(0, tsAt);
        boolean compressed = payload.startsWith(".");
        if (compressed) {
            payload = payload.substring(1);
        }
        byte[] data = Base64.getUrlDecoder().decode(payload);
        if (compressed) {
            Inflater inflater = new Inflater();
            inflater.setInput(data);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException("zlib error: incomplete stream");
                }
                out.write(buffer, 0, n);
            }
            inflater.end();
            data = out.toByteArray();
        }
        return new String(data, StandardCharsets.ISO_8859_1);
    }
}
