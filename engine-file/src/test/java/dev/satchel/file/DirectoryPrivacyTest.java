package dev.satchel.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionSettings;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session file names are bearer keys, so the directory must be private to the process user. The
 * tests run as root, so "another user" is a directory handed to {@code nobody} or opened with
 * permission bits, never a second login.
 */
class DirectoryPrivacyTest {
    private static final String ALLOW_SHARED = "satchel.file.allow-shared-directory";

    @TempDir
    Path root;

    private String savedTmpdir;

    @BeforeEach
    void pointTheTemporaryDirectoryHere() {
        savedTmpdir = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", root.toString());
    }

    @AfterEach
    void restoreTheTemporaryDirectory() {
        System.setProperty("java.io.tmpdir", savedTmpdir);
    }

    // ---------------------------------------------------------------- the default directory

    @Test
    void theDefaultDirectory_isPrivateToThisUser_insideTheTemporaryDirectory() throws IOException {
        FileSessionEngine engine = engine(b -> b);
        Path expected = root.resolve("satchel-sessions-" + System.getProperty("user.name"));
        assertEquals(expected, engine.directory());
        assertEquals("rwx------", mode(expected));
        assertEquals(me(), Files.getOwner(expected, LinkOption.NOFOLLOW_LINKS));
        String key = dev.satchel.SessionKeys.generate();
        engine.save(key, SessionRecord.of(engine.codec().encode(Map.of("a", 1L)), null), SaveMode.CREATE);
        assertTrue(Files.exists(expected.resolve("sessionid" + key)));
        assertEquals(
                List.of(expected.getFileName().toString()), Fixture.allNames(root), "nothing else in the temp dir");
        // A second engine (another process, a restart) accepts the directory it finds.
        assertEquals(expected, engine(b -> b).directory());
    }

    @Test
    void aDefaultDirectoryPlantedAsASymbolicLink_isRefused_andItsTargetUntouched() throws IOException {
        Path target = Files.createDirectory(
                root.resolve("attacker"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createSymbolicLink(defaultDirectory(), target);
        SessionConfigurationException e = assertThrows(SessionConfigurationException.class, () -> engine(b -> b));
        assertTrue(e.getMessage().contains(defaultDirectory().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
        assertEquals(List.of(), Fixture.allNames(target));
    }

    @Test
    void aDefaultDirectoryOwnedByAnotherUser_isRefused() throws IOException {
        Path planted = Files.createDirectory(
                defaultDirectory(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setOwner(planted, nobody());
        SessionConfigurationException e = assertThrows(SessionConfigurationException.class, () -> engine(b -> b));
        assertTrue(e.getMessage().contains(planted.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("owned by nobody"), e.getMessage());
        assertEquals(List.of(), Fixture.allNames(planted));
    }

    @Test
    void aDefaultDirectoryOthersCanList_isRefused_evenWhenSharingIsAllowed() throws IOException {
        Path planted = Files.createDirectory(defaultDirectory());
        Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwxr-xr-x"));
        SessionConfigurationException e = assertThrows(
                SessionConfigurationException.class, () -> engine(b -> b.engineProperty(ALLOW_SHARED, "true")));
        assertTrue(e.getMessage().contains("rwxr-xr-x"), e.getMessage());
    }

    @Test
    void aVanishedDefaultDirectory_replacedByALink_isNotWrittenThrough() throws IOException {
        FileSessionEngine engine = engine(b -> b);
        Path sessions = engine.directory();
        try (var entries = Files.list(sessions)) {
            for (Path p : entries.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(sessions);
        Path target = Files.createDirectory(root.resolve("attacker"));
        Files.createSymbolicLink(sessions, target);
        String key = dev.satchel.SessionKeys.generate();
        assertThrows(
                SessionStoreUnavailableException.class,
                () -> engine.save(
                        key, SessionRecord.of(engine.codec().encode(Map.of("a", 1L)), null), SaveMode.CREATE));
        assertEquals(List.of(), Fixture.allNames(target));
    }

    // ---------------------------------------------------------------- a configured directory

    @Test
    void aConfiguredDirectoryOthersCanReadListOrWrite_isRefused_withTheFix() throws IOException {
        for (String open : List.of("rwxr-xr-x", "rwxr-x---", "rwx-w----", "rwx---r--", "rwx----w-", "rwxrwxrwx")) {
            Path dir = Files.createDirectory(root.resolve("sessions-" + open.replace('-', '_')));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(open));
            SessionConfigurationException e =
                    assertThrows(SessionConfigurationException.class, () -> engine(b -> at(b, dir)), open);
            String m = e.getMessage();
            assertTrue(m.contains(dir.toString()), m);
            assertTrue(m.contains(open), m);
            assertTrue(m.contains("chmod 700"), m);
            assertTrue(m.contains(ALLOW_SHARED), m);
            assertEquals(List.of(), Fixture.allNames(dir), "nothing written into a refused directory");
        }
    }

    @Test
    void aConfiguredDirectoryOthersMayOnlyTraverse_isAccepted() throws IOException {
        Path dir = Files.createDirectory(root.resolve("sessions"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        FileSessionEngine engine = engine(b -> at(b, dir));
        assertEquals(dir, engine.directory());
    }

    @Test
    void aConfiguredDirectoryOwnedByAnotherUser_isRefused() throws IOException {
        Path dir = Files.createDirectory(
                root.resolve("sessions"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setOwner(dir, nobody());
        SessionConfigurationException e =
                assertThrows(SessionConfigurationException.class, () -> engine(b -> at(b, dir)));
        assertTrue(e.getMessage().contains("owned by nobody"), e.getMessage());
    }

    @Test
    void aSharedDirectory_isAcceptedWhenTheSettingSaysSo() throws IOException {
        Path dir = Files.createDirectory(root.resolve("shared"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
        Files.setOwner(dir, nobody());
        try (Fixture f = Fixture.open(dir, Fixture.aheadOfRealTime(), b -> b.engineProperty(ALLOW_SHARED, "true"))) {
            Session s = f.sessions.newSession();
            s.put("a", 1L);
            s.save();
            assertEquals(1L, f.sessions.session(s.getSessionKey()).get("a"));
        }
    }

    @Test
    void theSharingSetting_mustBeTrueOrFalse() {
        SessionConfigurationException e = assertThrows(
                SessionConfigurationException.class,
                () -> engine(b -> at(b, root).engineProperty(ALLOW_SHARED, "yes")));
        assertTrue(e.getMessage().contains(ALLOW_SHARED), e.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    private static SessionSettings.Builder at(SessionSettings.Builder b, Path dir) {
        return b.engineProperty(FileSessionEngine.PATH, dir.toString());
    }

    private Path defaultDirectory() {
        return root.resolve("satchel-sessions-" + System.getProperty("user.name"));
    }

    private static FileSessionEngine engine(UnaryOperator<SessionSettings.Builder> tweak) {
        SessionSettings settings =
                tweak.apply(SessionSettings.builder().secretKey(Fixture.SECRET)).build();
        return new FileSessionEngine(EngineContext.of(settings, Clock.systemUTC()));
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static UserPrincipal me() throws IOException {
        return Path.of("/")
                .getFileSystem()
                .getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
    }

    private static UserPrincipal nobody() throws IOException {
        return Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    }
}
