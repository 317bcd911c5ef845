package dev.satchel.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.satchel.Session;
import dev.satchel.SessionKeys;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.internal.DjangoBase64;
import dev.satchel.signing.TimestampSigner;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both forms in which Django keeps {@code _session_expiry} (an int of seconds; since Django 4 the
 * {@code isoformat()} of a datetime) load and count, what {@code setExpiry(Instant)} stores is that
 * string, and a malformed value never fails a load: it is ignored and the cookie age applies.
 */
class SessionExpiryFormsTest {
    private static final String SECRET = "expiry-forms-test-secret-0123456789abcdefghijklmnop";
    private static final Instant NOW = Instant.parse("2023-11-14T22:13:20.250Z");
    private final MutableClock clock = new MutableClock(NOW);
    private SessionManager sessions;
    private TimestampSigner signer;

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
    }

    @AfterEach
    void tearDown() {
        sessions.close();
    }

    /** A session as Django stored it, with {@code expiryJson} as its {@code _session_expiry}. */
    private Session storedByDjango(String expiryJson) {
        String key = SessionKeys.generate();
        String json = "{\"a\":1,\"_session_expiry\":" + expiryJson + "}";
        String data = signer.sign(DjangoBase64.encode(json.getBytes(StandardCharsets.UTF_8)));
        sessions.engine().save(key, SessionRecord.of(data, NOW.plus(Duration.ofDays(30))), SaveMode.CREATE);
        return sessions.session(key);
    }

    @Test
    void djangosIntegerForm_countsFromNow() {
        Session s = storedByDjango("600");
        assertEquals(1L, s.get("a"));
        assertEquals(600, s.getExpiryAge());
        assertEquals(NOW.plusSeconds(600), s.getExpiryDate());
    }

    @Test
    void djangosIsoForms_areAbsolute() {
        Instant at = Instant.parse("2023-11-14T22:23:20.000001Z");
        for (String written : new String[] {
            "\"2023-11-14T22:23:20.000001+00:00\"",
            "\"2023-11-14T23:23:20.000001+01:00\"",
            "\"2023-11-14T22:23:20.000001Z\""
        }) {
            Session s = storedByDjango(written);
            assertEquals(1L, s.get("a"), written);
            assertEquals(at, s.getExpiryDate(), written);
            assertEquals(599, s.getExpiryAge(), written);
            assertFalse(s.getExpireAtBrowserClose(), written);
        }
    }

    @Test
    void setExpiryAtAnInstant_storesWhatDjangoStores() {
        Session s = sessions.newSession();
        s.setExpiry(Instant.parse("2023-11-14T22:23:20.250Z"));
        assertEquals("2023-11-14T22:23:20.250000+00:00", s.get(Session.EXPIRY_KEY));
        s.setExpiry(Instant.parse("2023-11-14T22:23:20Z"));
        assertEquals("2023-11-14T22:23:20+00:00", s.get(Session.EXPIRY_KEY));
        s.setExpiry(Duration.ofMinutes(10));
        assertEquals("2023-11-14T22:23:20.250000+00:00", s.get(Session.EXPIRY_KEY));
        s.clearExpiry();
        assertThrows(IllegalArgumentException.class, () -> s.setExpiry(Instant.parse("+10000-01-01T00:00:00Z")));
        assertNull(s.get(Session.EXPIRY_KEY), "a refused instant leaves the session as it was");
    }

    @Test
    void malformedExpiryValues_areIgnored_andTheSessionStillSaves() {
        long age = sessions.settings().cookieAge().getSeconds();
        for (String bad : new String[] {
            "\"\"",
            "\"yesterday\"",
            "\"2023-02-30T00:00:00\"",
            "\"2023-11-14T22:14:20z\"",
            "\"2023-W46-2T22:14:20\"",
            "[\"2023-11-14T22:23:20+00:00\"]",
            "{\"at\":1}",
            "null"
        }) {
            Session s = storedByDjango(bad);
            assertEquals(1L, s.get("a"), bad);
            assertEquals(age, s.getExpiryAge(), bad);
            assertEquals(NOW.plusSeconds(age), s.getExpiryDate(), bad);
            s.put("b", 2L);
            s.save();
            assertEquals(2L, sessions.session(s.getSessionKey()).get("b"), bad);
        }
    }
}
