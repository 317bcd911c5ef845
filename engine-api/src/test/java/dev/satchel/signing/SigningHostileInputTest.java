package dev.satchel.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.BadSignatureException;
import dev.satchel.MalformedPayloadException;
import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionTooLargeException;
import dev.satchel.SignatureExpiredException;
import dev.satchel.codec.JsonSerializer;
import dev.satchel.codec.SessionSerializer;
import dev.satchel.internal.Base62;
import dev.satchel.internal.DjangoBase64;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inputs an attacker controls: every one must end in a {@link BadSignatureException} (or the
 * precise subclass named), never in another exception, a hang or an out-of-memory error. The
 * preemptive timeouts only guard against hangs; they assert nothing about speed.
 */
class SigningHostileInputTest {
    private static final Duration HANG_GUARD = Duration.ofSeconds(10);
    private static final String KEY = "hostile-input-test-secret";
    private static final String OLD_KEY = "hostile-input-old-secret";
    private static final String SALT = "hostile.test";
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L, 250_000_000);
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final SessionSerializer JSON = JsonSerializer.create();

    private static final Signer SIGNER =
            Signer.builder().secretKey(KEY).salt(SALT).build();
    private static final TimestampSigner TS = timestampSigner(KEY, List.of());

    private static TimestampSigner timestampSigner(String key, List<String> fallbacks) {
        return TimestampSigner.builder()
                .secretKey(key)
                .fallbackKeys(fallbacks)
                .salt(SALT)
                .clock(CLOCK)
                .build();
    }

    /** A plain Signer with the TimestampSigner's salt: signs texts the TimestampSigner accepts. */
    private static String forgeWithKey(String textWithTimestamp) {
        return Signer.builder().secretKey(KEY).salt(SALT).build().sign(textWithTimestamp);
    }

    private static String sessionValue() {
        return TS.signObject(Map.of("user", "42"), JSON, true);
    }

    private static void assertPlainBadSignature(Executable call) {
        BadSignatureException e =
                assertTimeoutPreemptively(HANG_GUARD, () -> assertThrows(BadSignatureException.class, call));
        assertFalse(e instanceof MalformedPayloadException, () -> "expected a signature failure, got " + e);
        assertFalse(e instanceof SignatureExpiredException, () -> "expected a signature failure, got " + e);
        assertTrue(e.getMessage().length() < 200, "short message");
    }

    private static MalformedPayloadException assertMalformed(Executable call) {
        MalformedPayloadException e =
                assertTimeoutPreemptively(HANG_GUARD, () -> assertThrows(MalformedPayloadException.class, call));
        assertTrue(e.getMessage().length() < 200, "short message");
        return e;
    }

    // ---------------------------------------------------------------- tampering

    @Test
    void everySingleCharacterChangeIsRejected() {
        String signed = sessionValue();
        String alphabet = "AZaz09-_.:=";
        for (int i = 0; i < signed.length(); i++) {
            for (char replacement : alphabet.toCharArray()) {
                if (replacement == signed.charAt(i)) {
                    continue;
                }
                String tampered = signed.substring(0, i) + replacement + signed.substring(i + 1);
                assertPlainBadSignature(() -> TS.unsignObject(tampered, JSON, null));
            }
        }
    }

    @Test
    void truncatedValuesAreRejected() {
        String signed = sessionValue();
        for (int length = 0; length < signed.length(); length++) {
            String prefix = signed.substring(0, length);
            String suffix = signed.substring(signed.length() - length);
            assertPlainBadSignature(() -> TS.unsignObject(prefix, JSON, null));
            assertPlainBadSignature(() -> TS.unsignObject(suffix, JSON, null));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"=", "==", "===", " ", "\n", "\u0000"})
    void paddedOrExtendedSignatureIsRejected(String suffix) {
        assertPlainBadSignature(() -> TS.unsignObject(sessionValue() + suffix, JSON, null));
        assertPlainBadSignature(() -> SIGNER.unsign(SIGNER.sign("hello") + suffix));
    }

    @Test
    void caseChangedSignatureIsRejected() {
        String signed = SIGNER.sign("hello");
        String signature = signed.substring(signed.lastIndexOf(':') + 1);
        assertPlainBadSignature(() -> SIGNER.unsign("hello:" + signature.toUpperCase()));
        assertPlainBadSignature(() -> SIGNER.unsign("hello:" + signature.toLowerCase()));
        for (int i = 0; i < signature.length(); i++) {
            char c = signature.charAt(i);
            char swapped = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
            if (swapped != c) {
                String changed = signature.substring(0, i) + swapped + signature.substring(i + 1);
                assertPlainBadSignature(() -> SIGNER.unsign("hello:" + changed));
            }
        }
    }

    @Test
    void signatureWithSameDigestButDifferentTextIsRejected() {
        // The last base64 character of a SHA-256 signature carries 2 unused bits: change only those.
        String signed = SIGNER.sign("hello");
        String signature = signed.substring(signed.lastIndexOf(':') + 1);
        String b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = b64.indexOf(signature.charAt(signature.length() - 1));
        String sibling = signature.substring(0, signature.length() - 1) + b64.charAt(last ^ 1);
        assertArrayEquals(
                java.util.Base64.getUrlDecoder().decode(signature),
                java.util.Base64.getUrlDecoder().decode(sibling));
        assertPlainBadSignature(() -> SIGNER.unsign("hello:" + sibling));
    }

    @Test
    void tamperedBase64PayloadIsABadSignature() {
        String signed = TS.signObject("{\"a\":1}", preSerialized(), false);
        assertPlainBadSignature(
                () -> TS.unsignObject("!!not*base64!!" + signed.substring(signed.indexOf(':')), JSON, null));
        assertPlainBadSignature(() -> TS.unsignObject("." + signed, JSON, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":", "::", ":::", "no separator at all", "\u00e9\u00e9", "::::::::::"})
    void degenerateInputsAreBadSignatures(String input) {
        assertPlainBadSignature(() -> SIGNER.unsign(input));
        assertPlainBadSignature(() -> TS.unsign(input));
        assertPlainBadSignature(() -> TS.unsign(input, Duration.ZERO));
        assertPlainBadSignature(() -> TS.unsignObject(input, JSON, null));
        assertPlainBadSignature(() -> TS.unsignObjectWithTimestamp(input, JSON, Duration.ofDays(1)));
    }

    @Test
    void nullIsABadSignature() {
        assertPlainBadSignature(() -> SIGNER.unsign(null));
        assertPlainBadSignature(() -> TS.unsign(null));
        assertPlainBadSignature(() -> TS.unsignObject(null, JSON, null));
    }

    @Test
    void missingSeparatorMessageNamesTheSeparator() {
        BadSignatureException e = assertThrows(BadSignatureException.class, () -> SIGNER.unsign("abc"));
        assertEquals("No \":\" found in value", e.getMessage());
    }

    @Test
    void hugeSignatureIsNotEchoed() {
        String huge = "x".repeat(100_000);
        BadSignatureException e = assertThrows(BadSignatureException.class, () -> SIGNER.unsign("v:" + huge));
        assertTrue(e.getMessage().length() < 200, e.getMessage());
    }

    @Test
    void tamperingIsReportedBeforeExpiry() {
        String old = timestampSignerAt(NOW.minusSeconds(1000)).sign("v");
        assertThrows(SignatureExpiredException.class, () -> TS.unsign(old, Duration.ofSeconds(10)));
        String tampered = "w" + old.substring(1);
        assertPlainBadSignature(() -> TS.unsign(tampered, Duration.ofSeconds(10)));
    }

    private static TimestampSigner timestampSignerAt(Instant when) {
        return TimestampSigner.builder()
                .secretKey(KEY)
                .salt(SALT)
                .clock(Clock.fixed(when, ZoneOffset.UTC))
                .build();
    }

    // ---------------------------------------------------------------- validly signed but malformed

    @Test
    void validlySignedZlibBombFailsFast() {
        byte[] zeros = new byte[50 * 1024 * 1024];
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(zeros);
        deflater.finish();
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        while (!deflater.finished()) {
            bomb.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        assertTrue(bomb.size() < 200_000, "the bomb is small");
        String signed = TS.sign("." + DjangoBase64.encode(bomb.toByteArray()));
        MalformedPayloadException e = assertMalformed(() -> TS.unsignObject(signed, JSON, null));
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }

    @Test
    void payloadLimitIsExact() {
        int limit = 4096;
        TimestampSigner small = TimestampSigner.builder()
                .secretKey(KEY)
                .salt(SALT)
                .clock(CLOCK)
                .maxPayloadBytes(limit)
                .build();
        String fits = "\"" + "a".repeat(limit - 2) + "\"";
        String tooBig = "\"" + "a".repeat(limit - 1) + "\"";
        for (boolean compress : new boolean[] {false, true}) {
            String ok = small.signObject(fits, preSerialized(), compress);
            assertEquals(compress, ok.startsWith("."));
            assertEquals(fits, small.unsignObject(ok, preSerialized(), null));
            // The writer refuses what the reader would refuse, before compressing...
            assertThrows(SessionTooLargeException.class, () -> small.signObject(tooBig, preSerialized(), compress));
            // ...and the reader still refuses it when another writer produced it.
            TimestampSigner large = TimestampSigner.builder()
                    .secretKey(KEY)
                    .salt(SALT)
                    .clock(CLOCK)
                    .maxPayloadBytes(2 * limit)
                    .build();
            String over = large.signObject(tooBig, preSerialized(), compress);
            assertMalformed(() -> small.unsignObject(over, preSerialized(), null));
        }
    }

    @Test
    void tenMegabyteInputIsRefusedBeforeVerification() {
        // Validly signed, so only the length check can refuse it.
        String value = "a".repeat(10 * 1024 * 1024);
        String signed = TS.sign(value);
        assertTrue(signed.length() > TS.maxInputChars());
        MalformedPayloadException e = assertMalformed(() -> TS.unsign(signed));
        assertTrue(e.getMessage().contains("too long"), e.getMessage());
        assertMalformed(() -> TS.unsignObject(signed, JSON, null));
        // Garbage of that size too.
        assertMalformed(() -> TS.unsignObject(value, JSON, null));
    }

    @ParameterizedTest
    @CsvSource({
        "eyJ1c, base64 of length 1 mod 4",
        "eyJ1*c2VyIjo3LCJvayI6dHJ1ZX0, junk changes the padding Django computes",
        "'!!!*', only junk: empty JSON",
        "\u00e9, non-ASCII is junk: empty JSON",
        "eyJhIjo, truncated JSON",
        ".bm90IHpsaWIgZGF0YQ, compression marker but not zlib",
        ".eJxTykjNyclXAgA, zlib stream cut short (no checksum)",
        "., compression marker and nothing else",
        "'', empty payload",
    })
    void validlySignedUndecodablePayloadIsMalformed(String payload, String why) {
        String signed = TS.sign(payload);
        assertMalformed(() -> TS.unsignObject(signed, JSON, null));
        assertMalformed(() -> TS.unsignObjectWithTimestamp(signed, JSON, Duration.ofDays(1)));
    }

    @Test
    void zlibStreamNeedingADictionaryIsMalformed() {
        Deflater deflater = new Deflater();
        deflater.setDictionary("dictionary".getBytes(StandardCharsets.US_ASCII));
        deflater.setInput("{}".getBytes(StandardCharsets.US_ASCII));
        deflater.finish();
        byte[] out = new byte[100];
        int n = deflater.deflate(out);
        deflater.end();
        String signed = TS.sign("." + DjangoBase64.encode(Arrays.copyOf(out, n)));
        assertMalformed(() -> TS.unsignObject(signed, JSON, null));
    }

    @Test
    void valueWithoutTimestampIsMalformed() {
        // Validly signed with the same key and salt by a plain Signer: there is no timestamp.
        String signed = forgeWithKey("eyJhIjoxfQ");
        assertMalformed(() -> TS.unsign(signed));
        assertMalformed(() -> TS.unsignObject(signed, JSON, null));
    }

    /**
     * Not base62, or (a documented limit of Satchel) beyond the range of {@code long}: Django reads
     * such a huge timestamp as a Python int, Satchel refuses it. Only the key holder can make one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"ab!", "", "1r31eq ", "zzzzzzzzzzzzzzzzzzzz", "--5", "\u0661"})
    void invalidTimestampIsMalformed(String timestamp) {
        String signed = forgeWithKey("e30:" + timestamp);
        assertMalformed(() -> TS.unsign(signed));
        assertMalformed(() -> TS.unsign(signed, Duration.ofDays(1)));
        assertMalformed(() -> TS.unsignObject(signed, JSON, null));
    }

    @Test
    void timestampOutsideInstantRangeIsMalformedWhenItIsNeeded() {
        String signed = forgeWithKey("e30:" + Base62.encode(Long.MAX_VALUE));
        // No age limit: Django would not look at the timestamp's value, neither does Satchel.
        assertEquals(Map.of(), TS.unsignObject(signed, JSON, null));
        // A far-future timestamp is never expired.
        assertEquals(Map.of(), TS.unsignObject(signed, JSON, Duration.ZERO));
        assertMalformed(() -> TS.unsignObjectWithTimestamp(signed, JSON, null));
        // A far-past one always is.
        String ancient = forgeWithKey("e30:" + Base62.encode(-Long.MAX_VALUE));
        assertThrows(SignatureExpiredException.class, () -> TS.unsignObject(ancient, JSON, Duration.ofDays(365)));
    }

    @Test
    void serializerFailuresBecomeMalformed() {
        SessionSerializer exploding = new SessionSerializer() {
            @Override
            public String name() {
                return "exploding";
            }

            @Override
            public byte[] serialize(Object value) {
                return "{}".getBytes(StandardCharsets.US_ASCII);
            }

            @Override
            public Object deserialize(byte[] bytes) {
                throw new IllegalStateException("boom");
            }
        };
        String signed = TS.signObject(Map.of(), exploding, false);
        MalformedPayloadException e = assertMalformed(() -> TS.unsignObject(signed, exploding, null));
        assertTrue(e.getCause() instanceof IllegalStateException);
    }

    @Test
    void unpairedSurrogatesCannotBeSignedOrVerified() {
        assertThrows(IllegalArgumentException.class, () -> SIGNER.sign("a\ud800b"));
        assertThrows(IllegalArgumentException.class, () -> TS.sign("\udc00"));
        // Java would encode the surrogate as '?': the signature of "a?b" must not verify it.
        String signature = SIGNER.signature("a?b");
        assertMalformed(() -> SIGNER.unsign("a\ud800b:" + signature));
        assertMalformed(() -> TS.unsign("\ud800:" + signature));
    }

    // ---------------------------------------------------------------- keys

    @Test
    void secretRotationWithFallbackKeys() {
        TimestampSigner old = timestampSigner(OLD_KEY, List.of());
        String signedWithOld = old.signObject(Map.of("a", 1L), JSON, true);
        String plainWithOld = Signer.builder().secretKey(OLD_KEY).build().sign("hello");

        TimestampSigner rotated = timestampSigner(KEY, List.of("some-other-key", OLD_KEY));
        assertEquals(json(Map.of("a", 1L)), json(rotated.unsignObject(signedWithOld, JSON, null)));
        assertEquals(
                "hello",
                Signer.builder()
                        .secretKey(KEY)
                        .fallbackKeys(List.of(OLD_KEY))
                        .build()
                        .unsign(plainWithOld));

        assertPlainBadSignature(() -> TS.unsignObject(signedWithOld, JSON, null));
        assertPlainBadSignature(() -> Signer.builder().secretKey(KEY).build().unsign(plainWithOld));

        // New values are signed with the current key only.
        String fresh = rotated.signObject(Map.of("a", 1L), JSON, true);
        assertNotEquals(signedWithOld, fresh);
        assertEquals(json(Map.of("a", 1L)), json(TS.unsignObject(fresh, JSON, null)));
        assertPlainBadSignature(() -> old.unsignObject(fresh, JSON, null));
    }

    @Test
    void legacySha1IsOptIn() {
        String sha1Signed = Signer.builder()
                .secretKey(KEY)
                .algorithm(SigningAlgorithm.SHA1)
                .build()
                .sign("hello");
        assertPlainBadSignature(() -> Signer.builder().secretKey(KEY).build().unsign(sha1Signed));
        Signer legacy = Signer.builder().secretKey(KEY).acceptLegacySha1(true).build();
        assertEquals("hello", legacy.unsign(sha1Signed));
        // Signing still uses SHA-256.
        assertEquals(
                SigningAlgorithm.SHA256.signatureLength(), legacy.signature("x").length());
    }

    @Test
    void configurationIsValidated() {
        assertThrows(SessionConfigurationException.class, () -> Signer.builder().build());
        assertThrows(
                SessionConfigurationException.class,
                () -> Signer.builder().secretKey("").build());
        assertThrows(
                SessionConfigurationException.class,
                () -> Signer.builder().secretKey("k").fallbackKeys(List.of("")).build());
        assertThrows(
                SessionConfigurationException.class,
                () -> Signer.builder().secretKey("k\ud800").build());
        assertThrows(SessionConfigurationException.class, () -> TimestampSigner.builder()
                .secretKey("k")
                .maxPayloadBytes(0)
                .build());
        // Python's "$" also matches before a final newline, so Django refuses these too.
        assertThrows(
                SessionConfigurationException.class,
                () -> Signer.builder().secretKey("k").separator("\n").build());
        assertThrows(
                SessionConfigurationException.class,
                () -> Signer.builder().secretKey("k").separator("a\n").build());
        assertEquals(
                "v\n\nx",
                unsignRoundTrip(
                        Signer.builder().secretKey("k").separator("\n\n").build()));
        SessionConfigurationException e =
                assertThrows(SessionConfigurationException.class, () -> SigningAlgorithm.fromName("md5"));
        assertTrue(e.getMessage().contains("sha1, sha256, sha512"), e.getMessage());
        assertEquals(SigningAlgorithm.SHA512, SigningAlgorithm.fromName("SHA512"));
        assertEquals(
                "django.core.signing.Signer",
                Signer.builder().secretKey("k").salt("").build().salt());
        assertEquals(
                "django.core.signing.TimestampSigner",
                TimestampSigner.builder().secretKey("k").build().salt());
    }

    private static String unsignRoundTrip(Signer signer) {
        String signed = signer.sign("v\n\nx");
        return signer.unsign(signed);
    }

    // ---------------------------------------------------------------- base64 as Python decodes it

    @ParameterizedTest
    @CsvSource({
        // text, hex of what Python's urlsafe_b64decode(text + padding) returns, or ERR
        "ab=c=, 69b7",
        "YW=Jj, 616263",
        "=YWJj, 616263",
        "YWJj====YWJj, 616263616263",
        "YQ==YQ==, 61",
        "YQ, 61",
        "YQ=, 61",
        "'YW Jj', 616263",
        "Pz4-, 3f3e3e",
        "Pz4+, 3f3e3e",
        "Y===, ERR",
        "Y, ERR",
        "'', ''",
    })
    void base64DecodesLikePython(String text, String expected) {
        byte[] in = text.getBytes(StandardCharsets.UTF_8);
        if (expected.equals("ERR")) {
            assertThrows(IllegalArgumentException.class, () -> DjangoBase64.decode(in, 0, in.length, 1000));
        } else {
            assertEquals(expected, HexFormat.of().formatHex(DjangoBase64.decode(in, 0, in.length, 1000)));
        }
    }

    // ---------------------------------------------------------------- threads

    @Test
    void concurrentUseGivesConsistentResults() throws Exception {
        String expected = SIGNER.sign("shared value");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> jobs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int id = t;
                jobs.add(() -> {
                    int checked = 0;
                    for (int i = 0; i < 2000; i++) {
                        assertEquals(expected, SIGNER.sign("shared value"));
                        String mine = "thread " + id + " value " + i;
                        assertEquals(mine, SIGNER.unsign(SIGNER.sign(mine)));
                        assertEquals(mine, TS.unsign(TS.sign(mine), Duration.ofSeconds(1)));
                        checked++;
                    }
                    return checked;
                });
            }
            for (Future<Integer> f : assertTimeoutPreemptively(HANG_GUARD, () -> pool.invokeAll(jobs))) {
                assertEquals(2000, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static String json(Object value) {
        return new String(JSON.serialize(value), StandardCharsets.ISO_8859_1);
    }

    private static SessionSerializer preSerialized() {
        return new SessionSerializer() {
            @Override
            public String name() {
                return "pre-serialized";
            }

            @Override
            public byte[] serialize(Object value) {
                return ((String) value).getBytes(StandardCharsets.ISO_8859_1);
            }

            @Override
            public Object deserialize(byte[] bytes) {
                return new String(bytes, StandardCharsets.ISO_8859_1);
            }
        };
    }

    @Test
    void signObjectRoundTripsThroughJson() {
        SignedObject back = TS.unsignObjectWithTimestamp(sessionValue(), JSON, Duration.ofSeconds(1));
        assertEquals(json(Map.of("user", "42")), json(back.value()));
        assertEquals(Instant.ofEpochSecond(NOW.getEpochSecond()), back.signedAt());
        assertNull(TS.unsignObject(TS.signObject(null, JSON, true), JSON, null));
    }
}
