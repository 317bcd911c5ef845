package dev.satchel.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SessionConfigurationException;
import dev.satchel.UpdateException;
import dev.satchel.spi.SessionRecord;
import dev.satchel.tck.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@value FileSessionEngine#EXPIRY_SOURCE}{@code =django}: a file's modification time is its last
 * write, as Django reads it, and every expiry comes from the data or the cookie age, for loads,
 * conditional saves and the sweep alike (the live check against Django is {@link
 * RealDjangoSharedDirectoryTest}).
 */
class DjangoTimesTest {
    private static final Duration AGE = Duration.ofHours(1);

    @TempDir
    Path dir;

    private Fixture open(Instant now) {
        return Fixture.open(dir, new MutableClock(now), djangoTimes());
    }

    private static UnaryOperator<dev.satchel.SessionSettings.Builder> djangoTimes() {
        return b -> b.cookieAge(AGE).engineProperty(FileSessionEngine.EXPIRY_SOURCE, "django");
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    @Test
    void eachWrite_setsTheModificationTimeToTheWriteTime_whateverTheExpiry() throws IOException {
        Instant t = now();
        try (Fixture f = open(t)) {
            String plain = saved(f, null);
            f.clock.advance(Duration.ofSeconds(5));
            String custom = saved(f, 7200L);
            assertEquals(t, Files.getLastModifiedTime(f.engine.fileOf(plain)).toInstant());
            assertEquals(
                    t.plusSeconds(5),
                    Files.getLastModifiedTime(f.engine.fileOf(custom)).toInstant());
            assertEquals(t.plus(AGE), f.engine.load(plain).orElseThrow().expiry());
            assertEquals(
                    t.plusSeconds(5 + 7200), f.engine.load(custom).orElseThrow().expiry());
        }
    }

    @Test
    void loads_countTheCookieAgeAndIntegerExpiriesFromTheModificationTime_notFromTheSigningTime() throws IOException {
        Instant t = now();
        try (Fixture f = open(t)) {
            String key = saved(f, 600L);
            // Django rewrote the same data later (a request with SESSION_SAVE_EVERY_REQUEST): only
            // the modification time moved, the signing time inside the data did not.
            Files.setLastModifiedTime(f.engine.fileOf(key), java.nio.file.attribute.FileTime.from(t.plusSeconds(900)));
            f.clock.advance(Duration.ofSeconds(1000));
            assertEquals(t.plusSeconds(1500), f.engine.load(key).orElseThrow().expiry());
            f.clock.advance(Duration.ofSeconds(501));
            assertTrue(f.engine.load(key).isEmpty(), "600 seconds after the last write");
            assertFalse(f.engine.exists(key), "the expired file is deleted");
        }
    }

    @Test
    void aConditionalSave_isRefusedOnceTheDataSaysTheSessionExpired() {
        Instant t = now();
        try (Fixture f = open(t)) {
            String key = saved(f, 600L);
            Object version = f.engine.load(key).orElseThrow().version();
            f.clock.advance(Duration.ofSeconds(601));
            SessionRecord next = SessionRecord.of(f.engine.codec().encode(Map.of("n", 2L)), null);
            assertThrows(
                    UpdateException.class,
                    () -> f.engine.conditionalSave().orElseThrow().saveIfUnchanged(key, next, version));
        }
    }

    @Test
    void theSweep_readsEverySessionFile_andRemovesThoseExpiredByTheirData() throws IOException {
        Instant t = now();
        try (Fixture f = open(t)) {
            String plain = saved(f, null);
            String shortLived = saved(f, 600L);
            String longLived = saved(f, 7200L);
            String until = saved(f, null);
            Session s = f.sessions.session(until);
            s.setExpiry(t.plus(Duration.ofMinutes(20)));
            s.save();
            f.clock.advance(Duration.ofMinutes(30));
            long reads = f.engine.contentReads();
            assertEquals(2, f.engine.clearExpired(), "the 600-second and the datetime expiry");
            assertEquals(reads + 4, f.engine.contentReads(), "every session file was read");
            assertEquals(
                    List.of("sessionid" + longLived, "sessionid" + plain).stream()
                            .sorted()
                            .toList(),
                    Fixture.names(dir));
            assertFalse(f.engine.exists(shortLived));
            f.clock.advance(Duration.ofMinutes(31));
            assertEquals(1, f.engine.clearExpired(), "the cookie age after the write");
            assertEquals(List.of("sessionid" + longLived), Fixture.names(dir));
        }
    }

    @Test
    void aFileWrittenInMtimeMode_isJudgedAsDjangoJudgesIt() throws IOException {
        Instant t = now();
        String key;
        try (Fixture f = Fixture.open(dir, new MutableClock(t), b -> b.cookieAge(AGE))) {
            key = saved(f, null); // modification time t + 1 h, the expiry
        }
        try (Fixture f = open(t)) {
            assertEquals(t.plus(AGE).plus(AGE), f.engine.load(key).orElseThrow().expiry());
        }
    }

    @Test
    void anUnknownExpirySource_isRefusedAtStart() {
        SessionConfigurationException e = assertThrows(
                SessionConfigurationException.class,
                () -> Fixture.open(
                        dir, new MutableClock(), b -> b.engineProperty(FileSessionEngine.EXPIRY_SOURCE, "atime")));
        assertTrue(e.getMessage().contains(FileSessionEngine.EXPIRY_SOURCE), e.getMessage());
    }

    private static String saved(Fixture f, Long expirySeconds) {
        Session s = f.sessions.newSession();
        s.put("n", 1L);
        if (expirySeconds != null) {
            s.setExpiry(expirySeconds);
        }
        s.save();
        return s.getSessionKey();
    }
}
