package dev.satchel.cookie;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.SessionTooLargeException;
import dev.satchel.internal.DjangoBase64;
import dev.satchel.signing.TimestampSigner;
import dev.satchel.spi.EngineContext;
import dev.satchel.tck.MutableClock;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cookies a client can send, each of which must give an empty session, exactly one warning on the
 * security logger and no exception, for both cookie engines.
 */
class HostileCookieTest {
    private static final String SECRET = "hostile-cookie-test-secret-0123456789abcdefghijklmn";
    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

    private final MutableClock clock = new MutableClock(START);
    private SecurityLogCapture log;
    private SessionManager signed;
    private SessionManager encrypted;

    @BeforeEach
    void setUp() {
        log = new SecurityLogCapture();
        signed = manager(SignedCookieEngine::new, SECRET);
        encrypted = manager(EncryptedCookieEngine::new, SECRET);
    }

    @AfterEach
    void tearDown() {
        signed.close();
        encrypted.close();
        log.close();
    }

    private SessionManager manager(Function<EngineContext, dev.satchel.spi.SessionEngine> engine, String secret) {
        return SessionManager.builder(
                        SessionSettings.builder().secretKey(secret).build())
                .clock(clock)
                .engine(engine)
                .build();
    }

    private static Map<String, Object> data() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("user", "alice");
        return d;
    }

    private String cookie(SessionManager sessions) {
        Session s = sessions.newSession();
        s.put("user", "alice");
        s.save();
        return s.getSessionKey();
    }

    private TimestampSigner signer(String secret, String salt) {
        return TimestampSigner.builder()
                .secretKey(secret)
                .salt(salt)
                .clock(clock)
                .build();
    }

    /** Loads {@code value}, expecting an empty session, one warning and no exception. */
    private void assertRefused(SessionManager sessions, String value, String what) {
        log.clear();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            Session s = sessions.session(value);
            assertEquals(0, s.size(), what + ": empty session");
            assertEquals(null, s.get("user"), what);
        });
        assertEquals(1, log.warnings().size(), what + ": exactly one warning, got " + log.warnings());
        assertEquals(1, log.events(), what + ": nothing else logged");
        assertFalse(
                log.warnings().get(0).contains(value.length() > 20 ? value.substring(0, 20) : value),
                what + ": the warning does not echo the cookie");
    }

    private void assertAccepted(SessionManager sessions, String value) {
        log.clear();
        assertEquals("alice", sessions.session(value).get("user"));
        assertEquals(0, log.events());
    }

    @Test
    void validCookies_loadWithoutWarnings() {
        assertAccepted(signed, cookie(signed));
        assertAccepted(encrypted, cookie(encrypted));
    }

    @Test
    void signedWithAnotherSalt() {
        String sessionStoreSalt = signer(SECRET, EngineContext.SESSION_STORE_SALT)
                .signObject(data(), dev.satchel.codec.JsonSerializer.create(), true);
        assertRefused(signed, sessionStoreSalt, "salt django.contrib.sessions.SessionStore");
    }

    @Test
    void signedOrEncryptedWithAnotherKey() {
        try (SessionManager otherSigned = manager(SignedCookieEngine::new, "another-secret-key-entirely-0123456789");
                SessionManager otherEncrypted =
                        manager(EncryptedCookieEngine::new, "another-secret-key-entirely-0123456789")) {
            assertRefused(signed, cookie(otherSigned), "signed with another key");
            assertRefused(encrypted, cookie(otherEncrypted), "encrypted with another key");
        }
    }

    @Test
    void expiredCookies() {
        String s = cookie(signed);
        String e = cookie(encrypted);
        clock.advance(Duration.ofSeconds(1_209_600));
        assertAccepted(signed, s);
        assertAccepted(encrypted, e);
        clock.advance(Duration.ofSeconds(1));
        assertRefused(signed, s, "signed cookie past the cookie age");
        assertTrue(log.warnings().get(0).contains("expired"), log.warnings().get(0));
        assertRefused(encrypted, e, "encrypted cookie past the cookie age");
        assertTrue(log.warnings().get(0).contains("expired"), log.warnings().get(0));
    }

    @Test
    void farFutureTimestamps() {
        clock.set(START.plus(Duration.ofMinutes(5)));
        String nearS = cookie(signed);
        String nearE = cookie(encrypted);
        clock.set(START.plus(Duration.ofMinutes(5)).plusSeconds(1));
        String farS = cookie(signed);
        String farE = cookie(encrypted);
        clock.set(START);
        assertAccepted(signed, nearS);
        assertAccepted(encrypted, nearE);
        assertRefused(signed, farS, "signed 5 min 1 s in the future");
        assertRefused(encrypted, farE, "encrypted 5 min 1 s in the future");
        String[] parts = nearS.split(":");
        String edited = parts[0] + ":zzzzzz:" + parts[2];
        assertRefused(signed, edited, "timestamp edited by hand to the year 3300 (signature no longer matches)");
    }

    @Test
    void badBase64_validlySigned() {
        TimestampSigner cookieSigner = signer(SECRET, SignedCookieEngine.SALT);
        assertRefused(signed, cookieSigner.sign("eyJ1c"), "five base64 characters (one too many)");
        assertRefused(signed, cookieSigner.sign(".eyJ1c2VyIjoiYWxpY2UifQ"), "marked compressed but not zlib");
        assertRefused(signed, cookieSigner.sign("bm90IGpzb24"), "base64 of text that is not JSON");
        assertRefused(signed, cookieSigner.sign("WzEsMl0"), "JSON that is not an object");
        String e = cookie(encrypted);
        assertRefused(encrypted, e + "A", "encrypted data with a dangling base64 character");
    }

    @Test
    void validlySignedZlibBomb() {
        byte[] json = ("{\"a\":\"" + "0".repeat(2 << 20) + "\"}").getBytes(StandardCharsets.US_ASCII);
        Deflater deflater = new Deflater(9);
        deflater.setInput(json);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        String bomb = signer(SECRET, SignedCookieEngine.SALT).sign("." + DjangoBase64.encode(out.toByteArray()));
        assertTrue(bomb.length() < 4096, "the bomb fits in a cookie: " + bomb.length());
        assertRefused(signed, bomb, "2 MiB of zeros in a " + bomb.length() + "-character signed cookie");

        // The same in the encrypted engine: only the key holder can make one, and it is still refused.
        Map<String, Object> huge = new LinkedHashMap<>();
        huge.put("a", "0".repeat(2 << 20));
        // Satchel refuses to write what it would refuse to read, so the bomb comes from a writer
        // configured with a larger limit and the same key.
        assertThrows(
                SessionTooLargeException.class, () -> encrypted.engine().codec().encode(huge));
        String encryptedBomb;
        try (SessionManager lenient = SessionManager.builder(SessionSettings.builder()
                        .secretKey(SECRET)
                        .maxPayloadBytes(4 << 20)
                        .build())
                .clock(clock)
                .engine(EncryptedCookieEngine::new)
                .build()) {
            encryptedBomb = lenient.engine().codec().encode(huge);
        }
        assertTrue(encryptedBomb.length() < 4096, "fits in a cookie: " + encryptedBomb.length());
        assertRefused(encrypted, encryptedBomb, "2 MiB of zeros, encrypted");
    }

    @Test
    void truncatedValues() {
        String s = cookie(signed);
        String e = cookie(encrypted);
        for (int cut : new int[] {1, 10, 43, 44}) {
            assertRefused(signed, s.substring(0, s.length() - cut), "signed cookie minus " + cut);
            assertRefused(encrypted, e.substring(0, e.length() - cut), "encrypted cookie minus " + cut);
        }
        assertRefused(signed, s.substring(0, s.lastIndexOf(':')), "signed cookie without its signature");
    }

    @Test
    void valuesSwappedBetweenTheEngines() {
        String s = cookie(signed);
        String e = cookie(encrypted);
        assertRefused(encrypted, s, "a signed cookie given to the encrypted engine");
        assertRefused(signed, e, "an encrypted cookie given to the signed engine");
    }

    @Test
    void hugeValues_areRefusedUnread() {
        String hundredKb = "A".repeat(100 * 1024);
        assertRefused(signed, hundredKb, "100 KB");
        assertRefused(encrypted, hundredKb, "100 KB");
        assertTrue(log.warnings().get(0).contains("refused"), log.warnings().get(0));
        // A validly signed value just over the limit: it would decode, but is never looked at.
        TimestampSigner cookieSigner = signer(SECRET, SignedCookieEngine.SALT);
        Map<String, Object> big = new LinkedHashMap<>();
        big.put("pad", "x".repeat(3000));
        big.put(
                "random",
                new java.util.Random(7).ints(900, 0, 1 << 30).boxed().toList().toString());
        String overLimit = cookieSigner.signObject(big, dev.satchel.codec.JsonSerializer.create(), true);
        assertTrue(overLimit.length() > 4096, "over the limit: " + overLimit.length());
        assertEquals(
                big,
                cookieSigner.unsignObject(overLimit, dev.satchel.codec.JsonSerializer.create(), null),
                "validly signed: only its size gets it refused");
        assertRefused(signed, overLimit, "a validly signed " + overLimit.length() + "-character cookie");
    }

    @Test
    void aRefusedCookie_isReplacedByAFreshCookieOnSave() {
        Session s = signed.session("e30:1r31eq:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        assertEquals(0, s.size());
        assertTrue(s.isModified(), "a cookie that fails to load is replaced, as in Django");
        s.save();
        assertNotEquals("e30:1r31eq:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", s.getSessionKey());
        assertEquals(0, signed.session(s.getSessionKey()).size());
    }
}
