package dev.satchel.signing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.satchel.BadSignatureException;
import dev.satchel.MalformedPayloadException;
import dev.satchel.SessionConfigurationException;
import dev.satchel.SignatureExpiredException;
import dev.satchel.codec.JsonSerializer;
import dev.satchel.codec.SessionSerializer;
import dev.satchel.internal.Base62;
import dev.satchel.testing.DjangoVectors;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

/**
 * Replays every case of {@code signing.json} (values produced by real Django) against Satchel's
 * signing, plus the worked examples of SPEC B.3.
 *
 * <p>Legacy SHA-1: Django 3.1 and 3.2 also accepted SHA-1 signatures when configured for SHA-256
 * (removed in 4.0). Satchel makes that opt-in ({@code acceptLegacySha1}); these tests enable it
 * exactly when the vectors say they came from a Django 3.x ({@code meta.django_version}), so that
 * case {@code legacy-sha1-signature-accepted-by-sha256-signer} reproduces what that Django did.
 */
class SigningVectorTest {
    private static final JsonNode VECTORS = DjangoVectors.load("signing.json");
    private static final JsonNode META = VECTORS.path("meta");
    private static final String SECRET = META.path("secret_key").asText();
    private static final boolean LEGACY_SHA1 =
            META.path("django_version").asText().startsWith("3.");
    /** The salt {@code signing.dumps} / {@code signing.loads} pass when given none. */
    private static final String DUMPS_DEFAULT_SALT = "django.core.signing";

    private static final SessionSerializer JSON = JsonSerializer.create();

    /** Signs bytes that are already serialized: the value is the JSON text itself. */
    private static final SessionSerializer PRE_SERIALIZED = new SessionSerializer() {
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

    private final Map<String, AtomicInteger> exercised = new LinkedHashMap<>();
    private final Map<String, Integer> inFile = new LinkedHashMap<>();

    @TestFactory
    List<DynamicNode> djangoSigningVectors() {
        List<DynamicNode> nodes = new ArrayList<>();
        nodes.add(section(
                "base62",
                VECTORS.path("base62").path("cases"),
                c -> "base62 " + c.path("int").asText(),
                this::checkBase62));
        nodes.add(section(
                "separator_validation",
                VECTORS.path("separator_validation").path("cases"),
                c -> "separator " + printable(c.path("sep").asText()),
                this::checkSeparator));
        nodes.add(section("sign", VECTORS.path("sign"), c -> c.path("id").asText(), this::checkSign));
        nodes.add(section("verify", VECTORS.path("verify"), c -> c.path("id").asText(), this::checkVerify));
        nodes.add(section("dumps", VECTORS.path("dumps"), c -> c.path("id").asText(), this::checkDumps));
        nodes.add(section("loads", VECTORS.path("loads"), c -> c.path("id").asText(), this::checkLoads));
        nodes.add(section(
                "signed_cookie_values",
                VECTORS.path("signed_cookie_values"),
                c -> "cookie " + c.path("cookie_name").asText() + " salt '"
                        + c.path("salt_argument").asText() + "'",
                this::checkSignedCookie));
        nodes.add(section(
                "salted_hmac",
                VECTORS.path("salted_hmac"),
                c -> "salted_hmac " + c.path("algorithm").asText() + " '"
                        + c.path("key_salt").asText() + "' '" + c.path("value").asText() + "'",
                this::checkSaltedHmac));
        nodes.add(dynamicTest("every vector was exercised", () -> {
            for (Map.Entry<String, Integer> e : inFile.entrySet()) {
                assertTrue(e.getValue() > 0, "section " + e.getKey() + " is empty");
                assertEquals(
                        e.getValue(), exercised.get(e.getKey()).get(), "vectors exercised in section " + e.getKey());
            }
            assertEquals(8, inFile.size(), "sections");
        }));
        return nodes;
    }

    private DynamicNode section(
            String name,
            JsonNode cases,
            java.util.function.Function<JsonNode, String> testName,
            Consumer<JsonNode> check) {
        assertTrue(cases.isArray(), "signing.json has no array for " + name);
        AtomicInteger counter = new AtomicInteger();
        exercised.put(name, counter);
        inFile.put(name, cases.size());
        List<DynamicNode> tests = new ArrayList<>();
        int index = 0;
        for (JsonNode c : cases) {
            String label = "[" + index++ + "] " + testName.apply(c);
            tests.add(dynamicTest(label, () -> {
                counter.incrementAndGet();
                check.accept(c);
            }));
        }
        return dynamicContainer(name + " (" + cases.size() + " vectors from " + DjangoVectors.source() + ")", tests);
    }

    // ---------------------------------------------------------------- sections

    private void checkBase62(JsonNode c) {
        long number = c.path("int").bigIntegerValue().longValueExact();
        String text = c.path("base62").asText();
        assertEquals(text, Base62.encode(number), "encode");
        if (c.path("decodes_back").asBoolean()) {
            assertEquals(number, Base62.decode(text), "decode");
        }
        String alphabet = VECTORS.path("base62").path("alphabet").asText();
        assertEquals(alphabet, Base62.ALPHABET, "alphabet");
    }

    private void checkSeparator(JsonNode c) {
        String sep = c.path("sep").asText();
        Signer.Builder builder = Signer.builder().secretKey(SECRET).separator(sep);
        if (c.path("allowed").asBoolean()) {
            Signer signer = builder.build();
            assertEquals(c.path("signed_example").asText(), signer.sign("v"));
            assertEquals("v", signer.unsign(signer.sign("v")));
        } else {
            SessionConfigurationException e = assertThrows(SessionConfigurationException.class, builder::build);
            assertTrue(e.getMessage().startsWith("Unsafe Signer separator"), e.getMessage());
            // TimestampSigner applies the same rule.
            assertThrows(SessionConfigurationException.class, () -> TimestampSigner.builder()
                    .secretKey(SECRET)
                    .separator(sep)
                    .build());
        }
    }

    private void checkSign(JsonNode c) {
        String key = keyOrSecret(c);
        assertEquals(c.path("key_used").asText(), key, "key_used");
        SigningAlgorithm algorithm = algorithm(c);
        assertEquals(c.path("effective_algorithm").asText(), algorithm.djangoName(), "effective_algorithm");
        String value = c.path("value").asText();
        String signed = c.path("signed").asText();
        String signature = c.path("signature").asText();
        // The text that is actually HMAC'd: the value, plus the timestamp for TimestampSigner.
        String hmacInput;
        switch (c.path("class").asText()) {
            case "Signer" -> {
                Signer signer = Signer.builder()
                        .secretKey(key)
                        .salt(text(c, "salt"))
                        .separator(c.path("sep").asText())
                        .algorithm(algorithm)
                        .build();
                assertEquals(c.path("effective_salt").asText(), signer.salt(), "effective_salt");
                assertEquals(signed, signer.sign(value), "signed");
                assertEquals(signature, signer.signature(value), "signature");
                assertEquals(value, signer.unsign(signed), "round trip");
                hmacInput = value;
            }
            case "TimestampSigner" -> {
                TimestampSigner signer = TimestampSigner.builder()
                        .secretKey(key)
                        .salt(text(c, "salt"))
                        .separator(c.path("sep").asText())
                        .algorithm(algorithm)
                        .clock(clockAt(c.path("sign_time")))
                        .build();
                assertEquals(c.path("effective_salt").asText(), signer.salt(), "effective_salt");
                assertEquals(
                        c.path("timestamp_base62").asText(),
                        Base62.encode(c.path("timestamp_int").bigIntegerValue().longValueExact()),
                        "timestamp_base62");
                assertEquals(signed, signer.sign(value), "signed");
                assertEquals(value, signer.unsign(signed), "round trip");
                hmacInput = c.path("signed_value_part").asText();
                assertEquals(signed, hmacInput + c.path("sep").asText() + signature, "signed_value_part");
            }
            default ->
                throw new AssertionError("unknown class " + c.path("class").asText());
        }
        // The derived HMAC key: H(hmac_key_salt + key) ...
        String keySalt = c.path("hmac_key_salt").asText();
        assertEquals(c.path("effective_salt").asText() + "signer", keySalt, "hmac_key_salt");
        byte[] derived = HexFormat.of().parseHex(c.path("derived_hmac_key_hex").asText());
        assertEquals(
                c.path("derived_hmac_key_hex").asText(),
                HexFormat.of().formatHex(sha(algorithm, keySalt + key)),
                "derived_hmac_key_hex");
        // ... which, used directly as an HMAC key, gives the signature; so does SaltedHmac.
        byte[] input = hmacInput.getBytes(StandardCharsets.UTF_8);
        assertEquals(signature, b64(hmac(algorithm, derived, input)), "signature from derived key");
        assertEquals(signature, b64(SaltedHmac.of(keySalt, key, algorithm).digest(input)), "SaltedHmac");
    }

    private void checkVerify(JsonNode c) {
        String input = c.path("input").asText();
        Clock clock = clockAt(c.path("now"));
        Supplier<Object> call;
        switch (c.path("class").asText()) {
            case "Signer" -> {
                Signer signer = Signer.builder()
                        .secretKey(keyOrSecret(c))
                        .salt(text(c, "salt"))
                        .separator(text(c, "sep"))
                        .algorithm(algorithm(c))
                        .acceptLegacySha1(LEGACY_SHA1)
                        .build();
                call = () -> signer.unsign(input);
            }
            case "TimestampSigner" -> {
                TimestampSigner signer = TimestampSigner.builder()
                        .secretKey(keyOrSecret(c))
                        .salt(text(c, "salt"))
                        .separator(text(c, "sep"))
                        .algorithm(algorithm(c))
                        .acceptLegacySha1(LEGACY_SHA1)
                        .clock(clock)
                        .build();
                Duration maxAge = duration(c.path("max_age"));
                call = maxAge == null ? () -> signer.unsign(input) : () -> signer.unsign(input, maxAge);
            }
            default ->
                throw new AssertionError("unknown class " + c.path("class").asText());
        }
        assertOutcome(c, call, result -> assertEquals(c.path("result").asText(), result, "result"));
    }

    private void checkDumps(JsonNode c) {
        String jsonText = c.path("json_text").asText();
        boolean compress = c.path("compress").asBoolean();
        boolean compressed = c.path("compressed").asBoolean();
        String expected = c.path("signed").asText();
        String loadsJson = c.path("loads_json_text").asText();
        assertEquals(c.path("effective_salt").asText(), dumpsSigner(c).salt(), "effective_salt");
        TimestampSigner signer = dumpsSigner(c);

        String ours = signer.signObject(jsonText, PRE_SERIALIZED, compress);
        assertEquals(compressed, ours.startsWith("."), "compressed flag");
        assertEquals(c.path("base64_part").asText().startsWith("."), compressed, "vector consistency");
        if (!compressed) {
            assertEquals(expected, ours, "signed");
        }
        // zlib output may legitimately differ between implementations: compare what comes back.
        assertEquals(loadsJson, json(signer.unsignObject(ours, JSON, null)), "our value read back");
        assertEquals(loadsJson, json(signer.unsignObject(expected, JSON, null)), "Django's value read back");
        SignedObject withTime = signer.unsignObjectWithTimestamp(expected, JSON, null);
        assertEquals(
                Base62.decode(c.path("timestamp_base62").asText()),
                withTime.signedAt().getEpochSecond(),
                "signedAt");
    }

    private void checkLoads(JsonNode c) {
        TimestampSigner signer = TimestampSigner.builder()
                .secretKey(keyOrSecret(c))
                .salt(
                        c.path("salt").isNull()
                                ? DUMPS_DEFAULT_SALT
                                : c.path("salt").asText())
                .acceptLegacySha1(LEGACY_SHA1)
                .clock(clockAt(c.path("now")))
                .build();
        String input = c.path("input").asText();
        Duration maxAge = duration(c.path("max_age"));
        assertOutcome(
                c,
                () -> signer.unsignObject(input, JSON, maxAge),
                result -> assertEquals(c.path("result_json_text").asText(), json(result), "result_json_text"));
    }

    private void checkSignedCookie(JsonNode c) {
        String key = "django.http.cookies" + SECRET;
        assertEquals(c.path("signer_key").asText(), key, "signer_key");
        String salt = c.path("cookie_name").asText() + c.path("salt_argument").asText();
        assertEquals(c.path("signer_salt").asText(), salt, "signer_salt");
        TimestampSigner signer = TimestampSigner.builder()
                .secretKey(key)
                .salt(salt)
                .clock(clockAt(c.path("now")))
                .build();
        assertEquals(c.path("signed").asText(), signer.sign(c.path("value").asText()), "signed");
        assertEquals(c.path("value").asText(), signer.unsign(c.path("signed").asText()), "round trip");
    }

    private void checkSaltedHmac(JsonNode c) {
        String keySalt = c.path("key_salt").asText();
        byte[] value = c.path("value").asText().getBytes(StandardCharsets.UTF_8);
        String secret = c.path("secret").asText();
        SigningAlgorithm algorithm =
                SigningAlgorithm.fromName(c.path("algorithm").asText());
        String expected = c.path("hexdigest").asText();
        assertEquals(expected, SaltedHmac.hexdigest(keySalt, value, secret, algorithm), "static");
        assertEquals(
                expected,
                HexFormat.of().formatHex(SaltedHmac.digest(keySalt, value, secret, algorithm)),
                "static digest");
        SaltedHmac reusable = SaltedHmac.of(keySalt, secret, algorithm);
        assertEquals(expected, reusable.hexdigest(value), "instance");
        assertEquals(expected, HexFormat.of().formatHex(reusable.digest(value)), "instance, second call");
    }

    // ---------------------------------------------------------------- SPEC B.3 worked examples

    private static final String SPEC_SECRET = "test-secret-key";
    private static final Clock SPEC_CLOCK = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);
    private static final String SESSION_SALT = "django.contrib.sessions.SessionStore";

    private static TimestampSigner specSigner(String salt) {
        return TimestampSigner.builder()
                .secretKey(SPEC_SECRET)
                .salt(salt)
                .clock(SPEC_CLOCK)
                .build();
    }

    @Test
    void specB37UncompressedValuesAreExact() {
        assertEquals(
                "ImhlbGxvIg:1r31eq:Pt-bTENZTU-EBzJ8DB66Phmdjdr5htmBYRqR7xw7fHk",
                specSigner(DUMPS_DEFAULT_SALT).signObject("\"hello\"", PRE_SERIALIZED, false));
        assertEquals(
                "eyJmb28iOiJiYXIifQ:1r31eq:RnWPXJomOr-V2BX7g-VMy1xvGxvSHHm4P3Mh938lEqQ",
                specSigner(SESSION_SALT).signObject("{\"foo\":\"bar\"}", PRE_SERIALIZED, true));
        assertEquals(
                "e30:1r31eq:V0zhXyqaeSiXnlEQJVh5I3Tjp7U3uQESH5gHoaFBmW8",
                specSigner(SESSION_SALT).signObject("{}", PRE_SERIALIZED, true));
        assertEquals(
                "eyJ4IjoxfQ:1r31eq:csADeFur8feySEQ9DER1sEQ3MToZDxQZN2-I7NlG3vE",
                specSigner("django.contrib.sessions.backends.signed_cookies")
                        .signObject("{\"x\":1}", PRE_SERIALIZED, true));
        assertEquals(
                "hello:Bhwb70gkLMxw89zHbeKamLKat9XovdaGC_qGGTgRVOA",
                Signer.builder().secretKey(SPEC_SECRET).build().sign("hello"));
        assertEquals(
                "hello:1r31eq:bI-reVCgAQqA6NH_MVUY791PTRb9Mb2fwN5bTx1JFV0",
                specSigner(null).sign("hello"));
        // The same values through the real JSON serializer.
        assertEquals(
                "ImhlbGxvIg:1r31eq:Pt-bTENZTU-EBzJ8DB66Phmdjdr5htmBYRqR7xw7fHk",
                specSigner(DUMPS_DEFAULT_SALT).signObject("hello", JSON, false));
        Map<String, Object> foo = new LinkedHashMap<>();
        foo.put("foo", "bar");
        assertEquals(
                "eyJmb28iOiJiYXIifQ:1r31eq:RnWPXJomOr-V2BX7g-VMy1xvGxvSHHm4P3Mh938lEqQ",
                specSigner(SESSION_SALT).signObject(foo, JSON, true));
    }

    @Test
    void specB37CompressedValuesRoundTrip() {
        String authJson = "{\"_auth_user_id\":\"1\",\"_auth_user_backend\":"
                + "\"django.contrib.auth.backends.ModelBackend\",\"_auth_user_hash\":\"abc\"}";
        assertEquals(110, authJson.length());
        String django = ".eJyrVopPLC3JiC8tTi2Kz0xRslIyVNJBFktKTM5OzQNJpGQl5qXn6yXn55UUZSbpgZToQWWL9XzzU1JznKBqUQzISCzOA"
                + "OpOTEpWqgUAjnEncw:1r31eq:0gBguih2OrpFxX-_yZtfKcUuflrmSR2-mjr1wB7u820";
        TimestampSigner sessions = specSigner(SESSION_SALT);
        assertEquals(authJson, json(sessions.unsignObject(django, JSON, null)));
        String ours = sessions.signObject(authJson, PRE_SERIALIZED, true);
        assertTrue(ours.startsWith("."), ours);
        assertEquals(authJson, json(sessions.unsignObject(ours, JSON, null)));

        StringBuilder list = new StringBuilder("[");
        for (int i = 1; i < 20; i++) {
            list.append(i).append(i < 19 ? "," : "]");
        }
        String djangoList = ".eJwFwcERACAIwLCF-rCiILN47r-GyZVJsNgkxaFxoDgxcOHGxMKD_T7vhAml:1r31eq:"
                + "T3NnQ4O6Mmi1L3kk38J7RBXJBIrvr6y3m_mvfQ5aT2I";
        TimestampSigner dumps = specSigner(DUMPS_DEFAULT_SALT);
        assertEquals(list.toString(), json(dumps.unsignObject(djangoList, JSON, null)));
        String oursList = dumps.signObject(list.toString(), PRE_SERIALIZED, true);
        assertTrue(oursList.startsWith("."), oursList);
        assertEquals(list.toString(), json(dumps.unsignObject(oursList, JSON, null)));
    }

    @Test
    void specB37DerivedSessionKey() {
        String keySalt = SESSION_SALT + "signer";
        byte[] derived = sha(SigningAlgorithm.SHA256, keySalt + SPEC_SECRET);
        assertEquals(
                "2a8a3b5a5f6ef9131c423444359e906f82e409d4a7926f983753513e941c6e9c",
                HexFormat.of().formatHex(derived));
        byte[] value = "eyJmb28iOiJiYXIifQ:1r31eq".getBytes(StandardCharsets.US_ASCII);
        assertEquals("RnWPXJomOr-V2BX7g-VMy1xvGxvSHHm4P3Mh938lEqQ", b64(hmac(SigningAlgorithm.SHA256, derived, value)));
        assertEquals(
                "RnWPXJomOr-V2BX7g-VMy1xvGxvSHHm4P3Mh938lEqQ",
                b64(SaltedHmac.of(keySalt, SPEC_SECRET, SigningAlgorithm.SHA256).digest(value)));
    }

    @Test
    void specB31SaltedHmac() {
        byte[] v = "v".getBytes(StandardCharsets.UTF_8);
        assertEquals(
                "1cd9e8337f315f871f5a01215e1911ab0c9bb55ee718e8d349cd984ec49d39cf",
                SaltedHmac.hexdigest("k", v, SPEC_SECRET, SigningAlgorithm.SHA256));
        assertEquals(
                "1918a8ca72e6d51effa02bf6895570a257800221",
                SaltedHmac.hexdigest("k", v, SPEC_SECRET, SigningAlgorithm.SHA1));
    }

    @Test
    void specB35FallbackKeys() {
        String signedWithOld = "eyJhIjoxfQ:1r31eq:OD6wC_HYyDbD-ixXe31Ud8ULOZTban_LPcgBTT5gVXU";
        TimestampSigner rotated = TimestampSigner.builder()
                .secretKey("new-secret")
                .fallbackKeys(List.of("old-secret"))
                .salt(SESSION_SALT)
                .clock(SPEC_CLOCK)
                .build();
        assertEquals("{\"a\":1}", json(rotated.unsignObject(signedWithOld, JSON, null)));

        TimestampSigner newOnly = TimestampSigner.builder()
                .secretKey("new-secret")
                .salt(SESSION_SALT)
                .clock(SPEC_CLOCK)
                .build();
        BadSignatureException e =
                assertThrows(BadSignatureException.class, () -> newOnly.unsignObject(signedWithOld, JSON, null));
        assertPlainBadSignature(e);

        // Re-encoding uses the new key: only signers that know the new key accept it.
        String reencoded = rotated.signObject("{\"a\":1}", PRE_SERIALIZED, true);
        assertEquals("{\"a\":1}", json(newOnly.unsignObject(reencoded, JSON, null)));
        TimestampSigner oldOnly = TimestampSigner.builder()
                .secretKey("old-secret")
                .salt(SESSION_SALT)
                .clock(SPEC_CLOCK)
                .build();
        assertPlainBadSignature(
                assertThrows(BadSignatureException.class, () -> oldOnly.unsignObject(reencoded, JSON, null)));
    }

    // ---------------------------------------------------------------- helpers

    /** Maps a vector's outcome onto Satchel's exceptions (see the class description). */
    private static void assertOutcome(JsonNode c, Supplier<Object> call, Consumer<Object> onOk) {
        String outcome = c.path("outcome").asText();
        Executable run = call::get;
        switch (outcome) {
            case "ok" -> onOk.accept(assertDoesNotThrow(call::get, "outcome ok"));
            case "BadSignature" -> assertPlainBadSignature(assertThrows(BadSignatureException.class, run));
            case "SignatureExpired" -> assertThrows(SignatureExpiredException.class, run);
            case "error" -> assertThrows(MalformedPayloadException.class, run);
            default -> fail("unknown outcome " + outcome);
        }
    }

    private static void assertPlainBadSignature(BadSignatureException e) {
        assertInstanceOf(BadSignatureException.class, e);
        assertFalse(e instanceof MalformedPayloadException, () -> "expected a signature failure, got " + e);
        assertFalse(e instanceof SignatureExpiredException, () -> "expected a signature failure, got " + e);
    }

    private static TimestampSigner dumpsSigner(JsonNode c) {
        return TimestampSigner.builder()
                .secretKey(keyOrSecret(c))
                .salt(
                        c.path("salt").isNull()
                                ? DUMPS_DEFAULT_SALT
                                : c.path("salt").asText())
                .clock(clockAt(c.path("now")))
                .build();
    }

    private static String json(Object value) {
        return new String(JSON.serialize(value), StandardCharsets.ISO_8859_1);
    }

    private static String keyOrSecret(JsonNode c) {
        String key = text(c, "key");
        return key == null ? SECRET : key;
    }

    private static SigningAlgorithm algorithm(JsonNode c) {
        String name = text(c, "algorithm");
        return name == null ? SigningAlgorithm.SHA256 : SigningAlgorithm.fromName(name);
    }

    private static String text(JsonNode c, String field) {
        JsonNode node = c.path(field);
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }

    private static Clock clockAt(JsonNode seconds) {
        assertTrue(seconds.isNumber(), "a time in epoch seconds");
        BigDecimal s = seconds.decimalValue();
        BigDecimal whole = s.setScale(0, java.math.RoundingMode.FLOOR);
        long nanos = s.subtract(whole).movePointRight(9).longValueExact();
        return Clock.fixed(Instant.ofEpochSecond(whole.longValueExact(), nanos), ZoneOffset.UTC);
    }

    private static Duration duration(JsonNode seconds) {
        if (seconds.isMissingNode() || seconds.isNull()) {
            return null;
        }
        BigDecimal s = seconds.decimalValue();
        BigDecimal whole = s.setScale(0, java.math.RoundingMode.FLOOR);
        long nanos = s.subtract(whole).movePointRight(9).longValueExact();
        return Duration.ofSeconds(whole.longValueExact(), nanos);
    }

    private static byte[] sha(SigningAlgorithm algorithm, String text) {
        try {
            return MessageDigest.getInstance(algorithm.hashAlgorithm()).digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] hmac(SigningAlgorithm algorithm, byte[] key, byte[] value) {
        try {
            Mac mac = Mac.getInstance(algorithm.hmacAlgorithm());
            mac.init(new SecretKeySpec(key, algorithm.hmacAlgorithm()));
            return mac.doFinal(value);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder("'");
        for (char ch : s.toCharArray()) {
            if (ch < 0x20 || ch > 0x7E) {
                b.append(String.format("\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.append('\'').toString();
    }
}
