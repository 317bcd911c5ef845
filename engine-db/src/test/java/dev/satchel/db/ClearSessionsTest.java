package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import dev.satchel.tck.MutableClock;
import dev.satchel.testing.Servers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The clearsessions command, run in-process. */
class ClearSessionsTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Properties overrides, String... args) {
        out.reset();
        err.reset();
        return ClearSessions.run(
                args,
                overrides,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8).trim();
    }

    private Path settingsFile(String... lines) throws Exception {
        Path file = dir.resolve("satchel.properties");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    @Test
    void dbEngine_removesExpiredRows_andPrintsTheCount() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("s.sqlite3");
        String table = "sessions_cs";
        // Rows written by an engine whose clock is a day behind: two already expired by real time.
        MutableClock past = new MutableClock(Instant.now().minus(Duration.ofDays(1)));
        String live;
        try (DbSessionEngine e = DbSessionEngine.builder(TestDb.context(past))
                .settings(DbSettings.builder().url(url).table(table).build())
                .build()) {
            for (int i = 0; i < 2; i++) {
                e.save(
                        TestDb.key(),
                        SessionRecord.of(
                                e.codec().encode(new LinkedHashMap<>()),
                                past.instant().plusSeconds(60)),
                        SaveMode.CREATE);
            }
            live = TestDb.key();
            e.save(
                    live,
                    SessionRecord.of(
                            e.codec().encode(new LinkedHashMap<>()),
                            past.instant().plus(Duration.ofDays(3))),
                    SaveMode.CREATE);
        }
        Path file = settingsFile(
                "satchel.engine=db",
                "satchel.secret-key=" + TestDb.SECRET,
                "satchel.db.url=" + url,
                "satchel.db.table=wrong_table");
        Properties overrides = new Properties();
        overrides.setProperty("satchel.db.table", table); // -D wins over the file
        overrides.setProperty("user.home", "/ignored"); // non-satchel keys are ignored
        assertEquals(ClearSessions.OK, run(overrides, file.toString()), err.toString(StandardCharsets.UTF_8));
        assertEquals("Removed 2 expired sessions.", out());
        assertEquals(1, TestDb.count(url, table));
        assertEquals(ClearSessions.OK, run(overrides, file.toString()));
        assertEquals("Removed 0 expired sessions.", out());
    }

    @Test
    void djangosDottedEngineName_fromSystemPropertiesAlone() {
        Properties p = new Properties();
        p.setProperty("satchel.engine", "django.contrib.sessions.backends.db");
        p.setProperty("satchel.secret-key", TestDb.SECRET);
        p.setProperty("satchel.db.url", "jdbc:sqlite:" + dir.resolve("d.sqlite3"));
        assertEquals(ClearSessions.OK, run(p));
        assertEquals("Removed 0 expired sessions.", out());
    }

    @Test
    void engineThatExpiresByItself_saysSo() {
        Properties p = new Properties();
        p.setProperty("satchel.engine", NoSweeperTestEngineProvider.NAME);
        p.setProperty("satchel.secret-key", TestDb.SECRET);
        assertEquals(ClearSessions.OK, run(p));
        assertEquals("Session engine 'test_self_expiring' expires sessions by itself; nothing to clear.", out());
    }

    @Test
    void errors_haveTheirExitCodes() throws Exception {
        assertEquals(ClearSessions.USAGE, run(new Properties(), "a", "b"));
        assertEquals(ClearSessions.OK, run(new Properties(), "--help"));
        assertTrue(out().startsWith("Usage"));
        assertEquals(
                ClearSessions.NO_INPUT,
                run(new Properties(), dir.resolve("missing.properties").toString()));
        assertEquals(
                ClearSessions.CONFIG,
                run(new Properties(), settingsFile("satchel.engine=db").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("satchel.secret-key"));
        assertEquals(
                ClearSessions.CONFIG,
                run(
                        new Properties(),
                        settingsFile("satchel.engine=nope", "satchel.secret-key=x")
                                .toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("No session engine named \"nope\""));
        assertEquals(
                ClearSessions.CONFIG,
                run(
                        new Properties(),
                        settingsFile("satchel.secret-key=x", "satchel.db.table=bad name")
                                .toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("satchel.db.table"));
    }

    @Test
    void unreachableDatabase_exitsUnavailable() throws Exception {
        Path file = settingsFile(
                "satchel.secret-key=" + TestDb.SECRET,
                "satchel.db.url=jdbc:postgresql://127.0.0.1:" + Servers.freePort() + "/test?user=postgres",
                "satchel.db.timeout=PT1S");
        int code = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run(new Properties(), file.toString()));
        assertEquals(ClearSessions.UNAVAILABLE, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("could not"), err.toString(StandardCharsets.UTF_8));
    }
}
