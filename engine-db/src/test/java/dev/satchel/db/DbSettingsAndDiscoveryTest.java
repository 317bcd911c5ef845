package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionEngines;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.db.internal.DjangoNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings parsing, engine discovery by name and alias, and Django's index names. */
class DbSettingsAndDiscoveryTest {
    @TempDir
    Path dir;

    private static SessionSettings settings(Map<String, String> extra) {
        SessionSettings.Builder b = SessionSettings.builder().secretKey(TestDb.SECRET);
        extra.forEach(b::engineProperty);
        return b.build();
    }

    @Test
    void defaults() {
        DbSettings s = DbSettings.from(settings(Map.of()));
        assertEquals("jdbc:sqlite:satchel.sqlite3", s.url());
        assertEquals("django_session", s.table());
        assertTrue(s.createTable());
        assertEquals(10_000, s.clearBatchSize());
        assertEquals(Duration.ofSeconds(5), s.timeout());
        assertEquals(Map.of(), s.pool());
    }

    @Test
    void everyKey_isRead_andPoolKeysPassThrough() {
        DbSettings s = DbSettings.from(settings(Map.of(
                "satchel.db.url", "jdbc:postgresql://db/app?password=hunter2",
                "satchel.db.table", "my_sessions",
                "satchel.db.create-table", "false",
                "satchel.db.clear-batch-size", "500",
                "satchel.db.timeout", "PT2.5S",
                "satchel.db.pool.maximumPoolSize", "20",
                "satchel.db.pool.dataSource.sslmode", "require")));
        assertEquals("my_sessions", s.table());
        assertFalse(s.createTable());
        assertEquals(500, s.clearBatchSize());
        assertEquals(Duration.ofMillis(2500), s.timeout());
        assertEquals(Map.of("maximumPoolSize", "20", "dataSource.sslmode", "require"), s.pool());
        assertFalse(s.toString().contains("hunter2"), s.toString());
        assertEquals(
                Duration.ofSeconds(3),
                DbSettings.from(settings(Map.of("satchel.db.timeout", "3"))).timeout());
    }

    @Test
    void everyProblem_isReportedAtOnce_namingTheKey() {
        SessionConfigurationException e = assertThrows(
                SessionConfigurationException.class,
                () -> DbSettings.from(settings(Map.of(
                        "satchel.db.url", "postgres://x",
                        "satchel.db.table", "django_session; DROP TABLE x",
                        "satchel.db.clear-batch-size", "0",
                        "satchel.db.timeout", "forever",
                        "satchel.db.tabel", "typo"))));
        for (String key : new String[] {
            "satchel.db.url",
            "satchel.db.table",
            "satchel.db.clear-batch-size",
            "satchel.db.timeout",
            "satchel.db.tabel"
        }) {
            assertTrue(e.getMessage().contains(key), key + " in " + e.getMessage());
        }
        assertThrows(
                SessionConfigurationException.class,
                () -> DbSettings.builder().timeout(Duration.ofMillis(10)).build());
    }

    @Test
    void unknownPoolProperty_andUnsupportedDatabase_failAtStart() {
        SessionSettings bad = settings(Map.of(
                "satchel.db.url", "jdbc:sqlite:" + dir.resolve("x.sqlite3"), "satchel.db.pool.noSuchProperty", "1"));
        SessionConfigurationException e = assertThrows(
                SessionConfigurationException.class,
                () -> SessionManager.open(bad.toBuilder().engine("db").build()));
        assertTrue(e.getMessage().contains("satchel.db.pool."), e.getMessage());
        SessionSettings h2 = settings(Map.of("satchel.db.url", "jdbc:h2:mem:x"));
        assertThrows(SessionConfigurationException.class, () -> SessionManager.open(h2));
    }

    @Test
    void discovery_byNameAndDjangoAlias() {
        assertInstanceOf(DbSessionEngineProvider.class, SessionEngines.find("db"));
        assertInstanceOf(DbSessionEngineProvider.class, SessionEngines.find("django.contrib.sessions.backends.db"));
        SessionSettings s = SessionSettings.builder()
                .secretKey(TestDb.SECRET)
                .engine("django.contrib.sessions.backends.db")
                .engineProperty(DbSettings.URL, "jdbc:sqlite:" + dir.resolve("found.sqlite3"))
                .build();
        try (SessionManager sessions = SessionManager.open(s)) {
            assertInstanceOf(DbSessionEngine.class, sessions.engine());
            assertEquals("db", sessions.engine().name());
            Session session = sessions.newSession();
            session.put("a", 1L);
            session.save();
            assertEquals(1L, sessions.session(session.getSessionKey()).get("a"));
        }
    }

    @Test
    void indexNames_areDjangos_andFitTheDatabase() {
        assertEquals(
                "django_session_expire_date_a5c62663", DjangoNames.indexName("django_session", "expire_date", "", 63));
        assertEquals(
                "django_session_session_key_c0390e0f_like",
                DjangoNames.indexName("django_session", "session_key", "_like", 63));
        String longTable = "a_very_long_session_table_name_for_a_tenant_with_many_words_x";
        String name = DjangoNames.indexName(longTable, "session_key", "_like", 63);
        assertTrue(name.length() <= 63, name);
        assertTrue(name.endsWith("_like"), name);
    }
}
