package dev.satchel.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.satchel.Session;
import dev.satchel.SessionKeys;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.internal.DjangoBase64;
import dev.satchel.signing.TimestampSigner;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Stored data that is validly signed but hostile (a zlib bomb, absurd JSON, a Java-serialized blob)
 * or simply corrupt: each loads as an empty session, quickly, with one warning on the security
 * logger that never names the session key.
 */
class SessionHostileDataTest {
    private static final String SECRET = "hostile-data-test-secret-0123456789abcdefghijklmnop";
    private final MutableClock clock = new MutableClock();
    private SessionManager sessions;
    private TimestampSigner signer;
    private ListAppender<ILoggingEvent> security;
    private Logger securityLogger;

    @BeforeEach
    void setUp() {
        sessions = SessionManager.builder(
                        SessionSettings.builder().secretKey(SECRET).build())
                .clock(clock)
                .engine(InMemorySessionEngine::new)
                .build();
        signer = TimestampSigner.builder()
                .secretKey(SECRET)
                .salt(EngineContext.SESSION_STORE_SALT)
                .clock(clock)
                .build();
        securityLogger = (Logger) LoggerFactory.getLogger("dev.satchel.security.SuspiciousSession");
        security = new ListAppender<>();
        security.start();
        securityLogger.addAppender(security);
    }

    @AfterEach
    void tearDown() {
        securityLogger.detachAppender(security);
        sessions.close();
    }

    private String signedRaw(byte[] json) {
        return signer.sign(DjangoBase64.encode(json));
    }

    private String signedCompressed(byte[] json) {
        Deflater deflater = new Deflater(9);
        deflater.setInput(json);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return signer.sign("." + DjangoBase64.encode(out.toByteArray()));
    }

    private void assertLoadsEmpty(String label, String stored) {
        String key = SessionKeys.generate();
        sessions.engine().save(key, SessionRecord.of(stored, clock.instant().plusSeconds(3600)), SaveMode.CREATE);
        int warningsBefore = security.list.size();
        Session s = sessions.session(key);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertNull(s.get("a"), label));
        assertEquals(0, s.size(), label);
        assertFalse(s.isModified(), label);
        List<ILoggingEvent> warnings = new ArrayList<>(security.list.subList(warningsBefore, security.list.size()));
        assertEquals(1, warnings.size(), label + ": one warning on the security logger");
        String message = warnings.get(0).getFormattedMessage();
        assertTrue(message.startsWith("Session data corrupted"), message);
        assertFalse(message.contains(key), "the session key is never logged");
    }

    @Test
    void aValidlySignedZlibBomb_loadsEmpty() {
        byte[] bomb = new byte[64 << 20]; // 64 MiB of zeros compress to about 64 KiB
        bomb[0] = '"';
        assertLoadsEmpty("zlib bomb", signedCompressed(bomb));
    }

    @Test
    void deeplyNestedJson_loadsEmpty() {
        String nested = "[".repeat(100_000) + "]".repeat(100_000);
        assertLoadsEmpty("nested 100 000 deep", signedCompressed(nested.getBytes(StandardCharsets.US_ASCII)));
        String nestedObjects = "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000);
        assertLoadsEmpty(
                "objects nested 50 000 deep", signedCompressed(nestedObjects.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aMillionDigitNumber_loadsEmpty() {
        String json = "{\"a\":" + "9".repeat(1_000_000) + "}";
        assertLoadsEmpty("10^6 digits", signedCompressed(json.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aTenMegabyteString_loadsEmpty() {
        String json = "{\"a\":\"" + "x".repeat(10_000_000) + "\"}";
        assertLoadsEmpty("10 MB string, compressed", signedCompressed(json.getBytes(StandardCharsets.US_ASCII)));
        assertLoadsEmpty("10 MB string, plain", signedRaw(json.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void duplicateKeys_loadEmpty() {
        assertLoadsEmpty("duplicate keys", signedRaw("{\"a\":1,\"a\":2}".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aJavaSerializedBlob_loadsEmpty() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new LinkedHashMap<>(java.util.Map.of("a", 1)));
        }
        assertLoadsEmpty("java serialization", signedRaw(bytes.toByteArray()));
        assertLoadsEmpty("java serialization, compressed", signedCompressed(bytes.toByteArray()));
    }

    @Test
    void corruptValues_loadEmpty() {
        String valid = sessions.engine().codec().encode(new LinkedHashMap<>(java.util.Map.of("a", 1L)));
        assertEquals(1L, sessions.engine().codec().decode(valid).data().get("a"));
        assertLoadsEmpty("tampered payload", "X" + valid.substring(1));
        assertLoadsEmpty("truncated", valid.substring(0, valid.length() - 3));
        assertLoadsEmpty("re-padded signature", valid + "==");
        assertLoadsEmpty("bad base64", "%%%%:" + valid.substring(valid.indexOf(':') + 1));
        assertLoadsEmpty("empty", "");
        assertLoadsEmpty("not an object", signedRaw("[1,2]".getBytes(StandardCharsets.US_ASCII)));
        assertLoadsEmpty(
                "signed with another key",
                TimestampSigner.builder()
                        .secretKey("another-key")
                        .salt(EngineContext.SESSION_STORE_SALT)
                        .clock(clock)
                        .build()
                        .sign(DjangoBase64.encode("{\"a\":1}".getBytes(StandardCharsets.US_ASCII))));
    }

    @Test
    void absurdExpiryValues_neverThrow() {
        for (String expiry :
                new String[] {"1" + "0".repeat(40), "-" + "9".repeat(30), "1e308", "-1e308", "\"not a date\""}) {
            String key = SessionKeys.generate();
            String json = "{\"a\":1,\"_session_expiry\":" + expiry + "}";
            sessions.engine()
                    .save(
                            key,
                            SessionRecord.of(
                                    signedRaw(json.getBytes(StandardCharsets.US_ASCII)),
                                    clock.instant().plusSeconds(60)),
                            SaveMode.CREATE);
            Session s = sessions.session(key);
            assertEquals(1L, s.get("a"), expiry);
            s.getExpiryDate();
            s.getExpiryAge();
            s.getExpireAtBrowserClose();
            s.put("b", 2L);
            s.save();
        }
    }

    @Test
    void aCorruptRecord_keepsItsKey_soTheNextSaveOverwritesIt() {
        String key = SessionKeys.generate();
        sessions.engine()
                .save(
                        key,
                        SessionRecord.of("garbage:value:here", clock.instant().plusSeconds(60)),
                        SaveMode.CREATE);
        Session s = sessions.session(key);
        s.put("fresh", true);
        s.save();
        assertEquals(key, s.getSessionKey(), "as in Django, the record is repaired in place");
        assertEquals(true, sessions.session(key).get("fresh"));
    }

    @Test
    void expireAtBrowserCloseSetting_appliesWithoutCustomExpiry() {
        try (SessionManager m = SessionManager.builder(SessionSettings.builder()
                        .secretKey(SECRET)
                        .expireAtBrowserClose(true)
                        .build())
                .clock(clock)
                .engine(InMemorySessionEngine::new)
                .build()) {
            Session s = m.newSession();
            assertTrue(s.getExpireAtBrowserClose());
            s.setExpiry(300);
            assertFalse(s.getExpireAtBrowserClose(), "a custom expiry wins over the setting");
            s.setExpiry(0);
            assertTrue(s.getExpireAtBrowserClose());
        }
    }
}
