package dev.satchel.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.CreateException;
import dev.satchel.Session;
import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionEngines;
import dev.satchel.SessionKeys;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.SessionTooLargeException;
import dev.satchel.UpdateException;
import dev.satchel.file.internal.KeyLocks;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngineProvider;
import dev.satchel.spi.SessionRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file engine's own promises: layout, modes, atomic create/update, server-side expiry. */
class FileSessionEngineTest {
    @TempDir
    Path dir;

    @Test
    void fileName_isCookieNamePlusKey_withNothingElseInTheDirectory() {
        try (Fixture f = Fixture.open(dir, Fixture.aheadOfRealTime(), b -> b.cookieName("shopsess"))) {
            String key = "oprobs138eb4cduynocczke0vdao9t51";
            f.engine.save(key, record(f, Map.of("a", 1L), 60), SaveMode.CREATE);
            assertEquals(List.of("shopsessoprobs138eb4cduynocczke0vdao9t51"), Fixture.names(dir));
            assertEquals(dir.resolve("shopsess" + key), f.engine.fileOf(key));
        }
    }

    @Test
    void accessTime_isTheExpiryToo_soALoadWritesNoInode() throws Exception {
        // With relatime (Linux's default) a read sets the access time of a file whose access time is
        // not later than its modification time: with only the modification time in the future every
        // load would write the inode, and the next fsync would journal it.
        try (Fixture f = Fixture.open(dir)) {
            Session s = f.sessions.newSession();
            s.put("a", 1L);
            s.save();
            Path file = f.engine.fileOf(s.getSessionKey());
            BasicFileAttributes before = Files.readAttributes(file, BasicFileAttributes.class);
            assertTrue(
                    before.lastAccessTime().compareTo(before.lastModifiedTime()) > 0,
                    "access time later than the modification time");
            assertTrue(before.lastModifiedTime().toInstant().isAfter(Instant.now()), "the expiry is ahead");
            assertEquals(1L, ((Number) f.sessions.session(s.getSessionKey()).get("a")).longValue());
            Files.readAllBytes(file); // a plain read too, as another process would
            assertEquals(
                    before.lastAccessTime(),
                    Files.readAttributes(file, BasicFileAttributes.class).lastAccessTime(),
                    "reading a live session leaves its access time alone");
        }
    }

    @Test
    void theLockFile_isEmptyPrivate_andNeitherASessionNorScratch() throws IOException {
        try (Fixture f = Fixture.open(dir)) {
            Session s = f.sessions.newSession();
            s.put("a", 1L);
            s.save();
            Path lock = dir.resolve(KeyLocks.FILE_NAME);
            assertEquals(List.of(KeyLocks.FILE_NAME, "sessionid" + s.getSessionKey()), Fixture.allNames(dir));
            assertEquals(0, Files.size(lock));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lock)));
            f.clock.advance(Duration.ofDays(400));
            long reads = f.engine.contentReads();
            assertEquals(1, f.sessions.clearExpired().getAsLong());
            assertEquals(reads, f.engine.contentReads());
            assertEquals(List.of(KeyLocks.FILE_NAME), Fixture.allNames(dir), "kept, and only one lock file ever");
        }
        // A cookie name the lock file's name starts with gets another lock file name.
        try (Fixture f = Fixture.open(dir, Fixture.aheadOfRealTime(), b -> b.cookieName(".sat"))) {
            Session s = f.sessions.newSession();
            s.put("a", 1L);
            s.save();
            assertTrue(Fixture.allNames(dir).contains(KeyLocks.fileName(".sat")));
            assertFalse(KeyLocks.fileName(".sat").startsWith(".sat"));
        }
    }

    @Test
    void content_isExactlyTheSignedEncoding_asciiWithoutNewline() throws IOException {
        try (Fixture f = Fixture.open(dir)) {
            Session s = f.sessions.newSession();
            s.put("user", "\u00e9l\u00e8ve \ud83d\ude00");
            s.save();
            Path file = f.engine.fileOf(s.getSessionKey());
            byte[] bytes = Files.readAllBytes(file);
            for (byte b : bytes) {
                assertTrue(b >= 0x21 && b < 0x7f, "printable ASCII only, no newline");
            }
            Map<String, Object> back = f.engine
                    .codec()
                    .decode(new String(bytes, StandardCharsets.US_ASCII))
                    .data();
            assertEquals("\u00e9l\u00e8ve \ud83d\ude00", back.get("user"));
        }
    }

    @Test
    void filesAre0600_andAMissingDirectoryIsCreated0700() throws IOException {
        Path nested = dir.resolve("a").resolve("sessions");
        try (Fixture f = Fixture.open(nested, Fixture.aheadOfRealTime(), b -> b)) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(nested)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(nested.getParent())));
            Session s = f.sessions.newSession();
            s.put("a", 1L);
            s.save();
            Path file = f.engine.fileOf(s.getSessionKey());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            s.put("a", 2L);
            s.save();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
    }

    @Test
    void aVanishedDirectory_isRecreatedOnSave() throws IOException {
        Path sessions = dir.resolve("sessions");
        try (Fixture f = Fixture.open(sessions, Fixture.aheadOfRealTime(), b -> b)) {
            Files.delete(sessions);
            Session s = f.sessions.newSession();
            s.put("a", 1L);
            s.save();
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sessions)));
            assertEquals(1L, f.sessions.session(s.getSessionKey()).get("a"));
        }
    }

    @Test
    void aPathThatIsAFile_isAConfigurationError() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        SessionConfigurationException e = assertThrows(
                SessionConfigurationException.class, () -> Fixture.open(file, Fixture.aheadOfRealTime(), b -> b));
        assertTrue(e.getMessage().contains(FileSessionEngine.PATH), e.getMessage());
    }

    @Test
    void modificationTime_isTheExpiry() throws IOException {
        try (Fixture f = Fixture.open(dir)) {
            Session s = f.sessions.newSession();
            s.put("a", 1L);
            s.setExpiry(300);
            s.save();
            Instant mtime = Files.getLastModifiedTime(f.engine.fileOf(s.getSessionKey()))
                    .toInstant();
            assertEquals(f.clock.instant().plusSeconds(300), mtime);
            Session t = f.sessions.newSession();
            t.put("a", 1L);
            t.save();
            assertEquals(
                    f.clock.instant().plus(f.sessions.settings().cookieAge()),
                    Files.getLastModifiedTime(f.engine.fileOf(t.getSessionKey()))
                            .toInstant());
            Instant at = f.clock.instant().plusSeconds(7777);
            Session u = f.sessions.newSession();
            u.put("a", 1L);
            u.setExpiry(at);
            u.save();
            assertEquals(
                    at,
                    Files.getLastModifiedTime(f.engine.fileOf(u.getSessionKey()))
                            .toInstant());
        }
    }

    @Test
    void create_isExclusive_andLeavesTheFirstVersion() {
        try (Fixture f = Fixture.open(dir)) {
            String key = SessionKeys.generate();
            f.engine.save(key, record(f, Map.of("v", 1L), 60), SaveMode.CREATE);
            assertThrows(
                    CreateException.class, () -> f.engine.save(key, record(f, Map.of("v", 2L), 60), SaveMode.CREATE));
            assertEquals(1L, f.sessions.session(key).get("v"));
            assertEquals(List.of("sessionid" + key), Fixture.names(dir), "no temporary file is left");
        }
    }

    @Test
    void update_ofAMissingFile_throwsAndCreatesNothing() {
        try (Fixture f = Fixture.open(dir)) {
            String key = SessionKeys.generate();
            assertThrows(
                    UpdateException.class, () -> f.engine.save(key, record(f, Map.of("v", 1L), 60), SaveMode.UPDATE));
            assertEquals(List.of(), Fixture.names(dir));
        }
    }

    @Test
    void loadingAnExpiredFile_deletesItAndCreatesNothing() {
        try (Fixture f = Fixture.open(dir)) {
            Session s = f.sessions.newSession();
            s.put("a", 1L);
            s.setExpiry(60);
            s.save();
            String key = s.getSessionKey();
            f.clock.advance(Duration.ofSeconds(59));
            assertEquals(1L, f.sessions.session(key).get("a"), "alive one second before its expiry");
            f.clock.advance(Duration.ofSeconds(2));
            Session late = f.sessions.session(key);
            assertNull(late.get("a"));
            assertNull(late.getSessionKey());
            assertEquals(List.of(), Fixture.names(dir), "deleted, and no empty session file created");
            assertFalse(f.engine.exists(key));
        }
    }

    @Test
    void everyKindOfExpiry_isEnforcedOnLoad() {
        try (Fixture f = Fixture.open(dir)) {
            Session seconds = saved(f, s -> s.setExpiry(10));
            Session instant = saved(f, s -> s.setExpiry(f.clock.instant().plusSeconds(20)));
            Session duration = saved(f, s -> s.setExpiry(Duration.ofSeconds(30)));
            Session browserClose = saved(f, s -> s.setExpiry(0));
            Session cookieAge = saved(f, s -> {});
            f.clock.advance(Duration.ofSeconds(25));
            assertNull(f.engine.load(seconds.getSessionKey()).orElse(null));
            assertNull(f.engine.load(instant.getSessionKey()).orElse(null));
            assertTrue(f.engine.load(duration.getSessionKey()).isPresent());
            f.clock.advance(Duration.ofSeconds(10));
            assertNull(f.engine.load(duration.getSessionKey()).orElse(null));
            assertTrue(f.engine.load(browserClose.getSessionKey()).isPresent());
            f.clock.advance(f.sessions.settings().cookieAge());
            assertNull(f.engine.load(browserClose.getSessionKey()).orElse(null));
            assertNull(f.engine.load(cookieAge.getSessionKey()).orElse(null));
            assertEquals(List.of(), Fixture.names(dir));
        }
    }

    @Test
    void anEmptyFile_loadsAsAnEmptySessionThatKeepsItsKey() throws IOException {
        try (Fixture f = Fixture.open(dir)) {
            String key = SessionKeys.generate();
            Fixture.writeLikeDjango(dir, "sessionid" + key, "", Instant.now());
            Session s = f.sessions.session(key);
            assertEquals(0, s.size());
            assertEquals(key, s.getSessionKey(), "as in Django, an empty file is an empty session");
            s.put("a", 1L);
            s.save();
            assertEquals(1L, f.sessions.session(key).get("a"));
        }
    }

    @Test
    void anOversizedFile_isNotRead_andLoadsEmpty() throws IOException {
        try (Fixture f = Fixture.open(dir, Fixture.aheadOfRealTime(), b -> b.maxPayloadBytes(4096))) {
            String key = SessionKeys.generate();
            Path file = dir.resolve("sessionid" + key);
            Files.write(file, new byte[64 * 1024]);
            Files.setLastModifiedTime(file, FileTime.from(f.clock.instant().plusSeconds(60)));
            long reads = f.engine.contentReads();
            assertEquals(0, f.sessions.session(key).size());
            assertEquals(reads, f.engine.contentReads(), "the oversized file was not read");
            assertThrows(
                    SessionTooLargeException.class,
                    () -> f.engine.save(key, SessionRecord.of("x".repeat(64 * 1024), null), SaveMode.UPDATE));
        }
    }

    @Test
    void aSymbolicLinkInTheDirectory_isNeverFollowed() throws IOException {
        Path outside = Files.createDirectory(dir.resolve("outside"));
        Path sessions = Fixture.privateDirectory(dir.resolve("sessions"));
        try (Fixture f = Fixture.open(sessions, Fixture.aheadOfRealTime(), b -> b)) {
            Session real = f.sessions.newSession();
            real.put("secret", "s3cr3t");
            real.setExpiry(f.clock.instant().plusSeconds(3600));
            real.save();
            Path target = outside.resolve("victim");
            Files.move(f.engine.fileOf(real.getSessionKey()), target);
            String key = SessionKeys.generate();
            Files.createSymbolicLink(sessions.resolve("sessionid" + key), target);
            assertNull(f.sessions.session(key).get("secret"), "a link is not a session file");
            f.clock.advance(Duration.ofDays(30));
            f.sessions.clearExpired();
            assertTrue(Files.exists(target), "the sweeper does not delete through or at links");
            assertTrue(Files.isSymbolicLink(sessions.resolve("sessionid" + key)));
        }
    }

    @Test
    void theEngineIsFoundByNameAndByDjangosName() {
        SessionEngineProvider byName = SessionEngines.find("file");
        SessionEngineProvider byDjangoName = SessionEngines.find("django.contrib.sessions.backends.file");
        assertInstanceOf(FileSessionEngineProvider.class, byName);
        assertInstanceOf(FileSessionEngineProvider.class, byDjangoName);
        SessionSettings settings = SessionSettings.builder()
                .secretKey(Fixture.SECRET)
                .engine("django.contrib.sessions.backends.file")
                .engineProperty(FileSessionEngine.PATH, dir.toString())
                .build();
        try (SessionManager m = SessionManager.open(settings)) {
            assertEquals("file", m.engine().name());
            Session s = m.newSession();
            s.put("a", "b");
            s.save();
            assertEquals("b", m.session(s.getSessionKey()).get("a"));
            assertTrue(Files.exists(dir.resolve("sessionid" + s.getSessionKey())));
        }
    }

    @Test
    void storeErrors_neverRevealTheSessionKey() throws IOException {
        Path sessions = dir.resolve("sessions");
        try (Fixture f = Fixture.open(sessions, Fixture.aheadOfRealTime(), b -> b)) {
            Session s = f.sessions.newSession();
            s.put("a", 1L);
            s.save();
            String key = s.getSessionKey();
            byte[] before = Files.readAllBytes(f.engine.fileOf(key));
            // Replace the directory by a file: every operation fails with ENOTDIR.
            Files.move(sessions, dir.resolve("moved"));
            Files.writeString(sessions, "not a directory");
            s.put("a", 2L);
            SessionStoreUnavailableException e = assertThrows(SessionStoreUnavailableException.class, s::save);
            assertNotNull(e.getCause());
            assertFalse(e.getMessage().contains(key), e.getMessage());
            assertFalse(e.getCause().getMessage().contains(key), e.getCause().getMessage());
            assertThrows(SessionStoreUnavailableException.class, () -> f.engine.delete(key));
            assertThrows(SessionStoreUnavailableException.class, () -> f.engine.exists(key));
            assertThrows(SessionStoreUnavailableException.class, () -> f.engine.load(key));
            assertArrayEquals(before, Files.readAllBytes(dir.resolve("moved").resolve("sessionid" + key)));
        }
    }

    private static SessionRecord record(Fixture f, Map<String, Object> data, long seconds) {
        return SessionRecord.of(
                f.engine.codec().encode(new LinkedHashMap<>(data)),
                f.clock.instant().plusSeconds(seconds));
    }

    private static Session saved(Fixture f, java.util.function.Consumer<Session> expiry) {
        Session s = f.sessions.newSession();
        s.put("a", 1L);
        expiry.accept(s);
        s.save();
        assertEquals(
                Optional.of(1L),
                Optional.ofNullable(f.sessions.session(s.getSessionKey()).get("a")));
        return s;
    }
}
