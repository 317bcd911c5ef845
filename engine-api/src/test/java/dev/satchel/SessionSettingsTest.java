package dev.satchel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.signing.SigningAlgorithm;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SessionSettingsTest {

    @Test
    void conflictPolicy_defaultsToMerge_andIsReadFromProperties() {
        SessionSettings defaults = SessionSettings.builder().secretKey("k").build();
        assertEquals(ConflictPolicy.MERGE, defaults.conflictPolicy());
        assertEquals(5, defaults.conflictRetries());
        SessionSettings fail = SessionSettings.fromMap(
                Map.of("satchel.secret-key", "k", "satchel.conflicts", "FAIL", "satchel.conflicts.max-retries", "2"));
        assertEquals(ConflictPolicy.FAIL, fail.conflictPolicy());
        assertEquals(2, fail.conflictRetries());
        SessionConfigurationException e = assertThrows(
                SessionConfigurationException.class,
                () -> SessionSettings.fromMap(Map.of(
                        "satchel.secret-key",
                        "k",
                        "satchel.conflicts",
                        "last-wins",
                        "satchel.conflicts.max-retries",
                        "-1")));
        assertTrue(e.getMessage().contains("satchel.conflicts must be merge, fail or overwrite"), e.getMessage());
        assertTrue(e.getMessage().contains("satchel.conflicts.max-retries must be between 0 and 100"), e.getMessage());
    }

    @Test
    void defaults_areDjangos() {
        SessionSettings s = SessionSettings.builder().secretKey("k").build();
        assertEquals("db", s.engine());
        assertEquals("sessionid", s.cookieName());
        assertEquals(Duration.ofSeconds(1_209_600), s.cookieAge());
        assertEquals(Optional.empty(), s.cookieDomain());
        assertEquals("/", s.cookiePath());
        assertFalse(s.cookieSecure());
        assertTrue(s.cookieHttpOnly());
        assertEquals(Optional.of("Lax"), s.cookieSameSite());
        assertFalse(s.saveEveryRequest());
        assertFalse(s.expireAtBrowserClose());
        assertEquals("json", s.serializer());
        assertEquals(SigningAlgorithm.SHA256, s.signingAlgorithm());
        assertEquals(1 << 20, s.maxPayloadBytes());
        assertEquals(List.of(), s.secretKeyFallbacks());
    }

    @Test
    void secretKey_isRequired() {
        SessionConfigurationException e =
                assertThrows(SessionConfigurationException.class, () -> SessionSettings.builder()
                        .build());
        assertTrue(e.getMessage().contains("satchel.secret-key"), e.getMessage());
        assertThrows(
                SessionConfigurationException.class,
                () -> SessionSettings.builder().secretKey("").build());
    }

    @Test
    void everyProblem_isReportedAtOnce() {
        SessionConfigurationException e =
                assertThrows(SessionConfigurationException.class, () -> SessionSettings.builder()
                        .cookieName("bad name")
                        .cookieAge(Duration.ZERO)
                        .cookiePath("relative")
                        .cookieSameSite("Sometimes")
                        .build());
        String m = e.getMessage();
        for (String key : List.of(
                "satchel.secret-key",
                "satchel.cookie.name",
                "satchel.cookie.age",
                "satchel.cookie.path",
                "satchel.cookie.same-site")) {
            assertTrue(m.contains(key), key + " missing from: " + m);
        }
        assertTrue(m.contains("5 problems"), m);
    }

    @Test
    void aSettingGivenTwice_namesTheFirstValue() {
        SessionSettings.Builder b = SessionSettings.builder().cookieName("first");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.cookieName("second"));
        assertTrue(e.getMessage().contains("first"), e.getMessage());
    }

    @Test
    void insecureCookieCombinations_areRefused() {
        assertThrows(SessionConfigurationException.class, () -> SessionSettings.builder()
                .secretKey("k")
                .cookieSameSite("None")
                .build());
        SessionSettings ok = SessionSettings.builder()
                .secretKey("k")
                .cookieSameSite("None")
                .cookieSecure(true)
                .build();
        assertEquals(Optional.of("None"), ok.cookieSameSite());
        assertThrows(SessionConfigurationException.class, () -> SessionSettings.builder()
                .secretKey("k")
                .cookieName("__Host-sid")
                .build());
        assertThrows(SessionConfigurationException.class, () -> SessionSettings.builder()
                .secretKey("k")
                .cookieName("__Host-sid")
                .cookieSecure(true)
                .cookieDomain("example.com")
                .build());
        assertThrows(SessionConfigurationException.class, () -> SessionSettings.builder()
                .secretKey("k")
                .cookieName("__Host-sid")
                .cookieSecure(true)
                .cookiePath("/app")
                .build());
        SessionSettings host = SessionSettings.builder()
                .secretKey("k")
                .cookieName("__Host-sid")
                .cookieSecure(true)
                .build();
        assertEquals("__Host-sid", host.cookieName());
        assertThrows(SessionConfigurationException.class, () -> SessionSettings.builder()
                .secretKey("k")
                .cookieName("__Secure-sid")
                .build());
    }

    @Test
    void sameSite_keepsItsSpelling_andMayBeAbsent() {
        assertEquals(
                Optional.of("strict"),
                SessionSettings.builder()
                        .secretKey("k")
                        .cookieSameSite("strict")
                        .build()
                        .cookieSameSite());
        assertEquals(
                Optional.empty(),
                SessionSettings.builder()
                        .secretKey("k")
                        .cookieSameSite(null)
                        .build()
                        .cookieSameSite());
    }

    @Test
    void onlyJson_isAcceptedAsSerializer() {
        SessionConfigurationException e =
                assertThrows(SessionConfigurationException.class, () -> SessionSettings.builder()
                        .secretKey("k")
                        .serializer("django.contrib.sessions.serializers.PickleSerializer")
                        .build());
        assertTrue(e.getMessage().contains("satchel.serializer"), e.getMessage());
        SessionSettings.builder()
                .secretKey("k")
                .serializer("django.contrib.sessions.serializers.JSONSerializer")
                .build();
    }

    @Test
    void fromProperties_readsEveryKey() {
        Properties p = new Properties();
        p.setProperty("satchel.engine", "cache");
        p.setProperty("satchel.secret-key", "s3cret");
        p.setProperty("satchel.secret-key-fallbacks", "old1, old2");
        p.setProperty("satchel.cookie.name", "sid");
        p.setProperty("satchel.cookie.age", "P1D");
        p.setProperty("satchel.cookie.domain", ".example.com");
        p.setProperty("satchel.cookie.path", "/app");
        p.setProperty("satchel.cookie.secure", "true");
        p.setProperty("satchel.cookie.http-only", "false");
        p.setProperty("satchel.cookie.same-site", "Strict");
        p.setProperty("satchel.save-every-request", "true");
        p.setProperty("satchel.expire-at-browser-close", "true");
        p.setProperty("satchel.serializer", "json");
        p.setProperty("satchel.signing.algorithm", "sha512");
        p.setProperty("satchel.max-payload-bytes", "65536");
        p.setProperty("satchel.cache.url", "redis://127.0.0.1:6379/0");
        p.setProperty("satchel.db.pool.maximumPoolSize", "4");
        p.setProperty("unrelated.key", "ignored");
        SessionSettings s = SessionSettings.fromProperties(p);
        assertEquals("cache", s.engine());
        assertEquals("s3cret", s.secretKey());
        assertEquals(List.of("old1", "old2"), s.secretKeyFallbacks());
        assertEquals("sid", s.cookieName());
        assertEquals(Duration.ofDays(1), s.cookieAge());
        assertEquals(Optional.of(".example.com"), s.cookieDomain());
        assertEquals("/app", s.cookiePath());
        assertTrue(s.cookieSecure());
        assertFalse(s.cookieHttpOnly());
        assertEquals(Optional.of("Strict"), s.cookieSameSite());
        assertTrue(s.saveEveryRequest());
        assertTrue(s.expireAtBrowserClose());
        assertEquals(SigningAlgorithm.SHA512, s.signingAlgorithm());
        assertEquals(65536, s.maxPayloadBytes());
        assertEquals(Optional.of("redis://127.0.0.1:6379/0"), s.engineProperty("satchel.cache.url"));
        assertEquals(Map.of("maximumPoolSize", "4"), s.engineProperties("satchel.db.pool."));
        assertEquals(Optional.empty(), s.engineProperty("unrelated.key"));
    }

    @Test
    void fromProperties_cookieAgeInSeconds_andEmptySameSite() {
        SessionSettings s = SessionSettings.fromMap(
                Map.of("satchel.secret-key", "k", "satchel.cookie.age", "3600", "satchel.cookie.same-site", ""));
        assertEquals(Duration.ofHours(1), s.cookieAge());
        assertEquals(Optional.empty(), s.cookieSameSite());
    }

    @Test
    void fromProperties_reportsBadValuesTogether() {
        SessionConfigurationException e = assertThrows(
                SessionConfigurationException.class,
                () -> SessionSettings.fromMap(Map.of(
                        "satchel.cookie.age", "two weeks",
                        "satchel.cookie.secure", "maybe",
                        "satchel.signing.algorithm", "md5")));
        String m = e.getMessage();
        assertTrue(m.contains("satchel.cookie.age"), m);
        assertTrue(m.contains("satchel.cookie.secure"), m);
        assertTrue(m.contains("md5"), m);
        assertTrue(m.contains("satchel.secret-key"), m);
    }

    @Test
    void toString_neverShowsTheSecret() {
        SessionSettings s = SessionSettings.builder()
                .secretKey("super-secret-value")
                .secretKeyFallbacks(List.of("older-secret"))
                .build();
        assertFalse(s.toString().contains("super-secret-value"));
        assertFalse(s.toString().contains("older-secret"));
    }

    @Test
    void toBuilder_derivesAVariant() {
        SessionSettings base = SessionSettings.builder().secretKey("k").build();
        SessionSettings variant = base.toBuilder().cookieName("other").build();
        assertEquals("other", variant.cookieName());
        assertEquals("sessionid", base.cookieName());
        assertEquals("k", variant.secretKey());
    }

    @Test
    void partitioned_isOptIn_andReadFromProperties() {
        assertFalse(SessionSettings.builder().secretKey("k").build().cookiePartitioned());
        SessionSettings built = SessionSettings.builder()
                .secretKey("k")
                .cookieSecure(true)
                .cookiePartitioned(true)
                .build();
        assertTrue(built.cookiePartitioned());
        assertTrue(built.toBuilder().build().cookiePartitioned(), "a derived variant keeps it");
        SessionSettings loaded = SessionSettings.fromMap(Map.of(
                "satchel.secret-key", "k", "satchel.cookie.secure", "true", "satchel.cookie.partitioned", "true"));
        assertTrue(loaded.cookiePartitioned());
        assertTrue(loaded.toString().contains("partitioned=true"), loaded.toString());
    }

    @Test
    void partitioned_withoutSecure_isRefused_namingBothKeys_withTheOtherProblems() {
        SessionConfigurationException alone =
                assertThrows(SessionConfigurationException.class, () -> SessionSettings.builder()
                        .secretKey("k")
                        .cookiePartitioned(true)
                        .build());
        String m = alone.getMessage();
        assertTrue(m.contains("satchel.cookie.partitioned") && m.contains("satchel.cookie.secure=true"), m);
        SessionConfigurationException together = assertThrows(
                SessionConfigurationException.class,
                () -> SessionSettings.fromMap(Map.of(
                        "satchel.secret-key", "k",
                        "satchel.cookie.partitioned", "true",
                        "satchel.cookie.same-site", "None")));
        String both = together.getMessage();
        assertTrue(both.contains("2 problems"), both);
        assertTrue(both.contains("satchel.cookie.partitioned") && both.contains("satchel.cookie.same-site"), both);
        SessionConfigurationException notBoolean = assertThrows(
                SessionConfigurationException.class,
                () -> SessionSettings.fromMap(
                        Map.of("satchel.secret-key", "k", "satchel.cookie.partitioned", "sometimes")));
        assertTrue(notBoolean.getMessage().contains("satchel.cookie.partitioned"), notBoolean.getMessage());
        assertFalse(SessionSettings.builder()
                .secretKey("k")
                .cookiePartitioned(false)
                .build()
                .cookiePartitioned());
    }
}
