package dev.satchel.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SuspiciousSessionException;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys are checked before any filesystem call. Sentinel files sit where unchecked hostile keys would
 * land (outside the directory, and inside a directory named like a traversal target); after every
 * operation with every hostile key they are byte-for-byte and time-for-time unchanged.
 */
class HostileKeyTest {
    private static final byte[] SENTINEL =
            "sentinel: never read, written or deleted".getBytes(StandardCharsets.US_ASCII);
    private static final FileTime SENTINEL_TIME = FileTime.from(Instant.parse("2001-02-03T04:05:06Z"));

    @TempDir
    Path root;

    static List<String> hostileKeys() {
        List<String> keys = new ArrayList<>(Arrays.asList(
                null,
                "",
                "short",
                "../x",
                "../sentinel",
                "../../sentinel",
                "abcdefgh/../../sentinel",
                "../../../../../../etc/passwd",
                "..\\..\\windows\\win.ini",
                "abcdefgh\u0000ijklmnop",
                "%2e%2e%2fsentinel",
                "\uff0e\uff0e\uff0fsentinel",
                "\u2215sentinel\u2215abcdef",
                "ABCDEFGHIJKLMNOP",
                "abcdefghijklmnop\n",
                " abcdefghijk ",
                "abcdefgh'; DROP TABLE django_session; --",
                "abcdefgh\r\nSet-Cookie: x=y",
                "a".repeat(41),
                "x".repeat(10_240)));
        return keys;
    }

    @Test
    void hostileKeys_neverReachTheFilesystem() throws IOException {
        Path sessions = Fixture.privateDirectory(root.resolve("sessions"));
        List<Path> sentinels = List.of(
                sentinel(root.resolve("sentinel")),
                sentinel(root.resolve("x")),
                // "sessionid" + "../x" would resolve into this directory if keys were not checked.
                sentinel(Files.createDirectory(sessions.resolve("sessionid..")).resolve("x")),
                sentinel(sessions.resolve("sessionid..").resolve("sentinel")));
        try (Fixture f = Fixture.open(sessions, Fixture.aheadOfRealTime(), b -> b)) {
            SessionRecord record = SessionRecord.of(
                    f.engine.codec().encode(new LinkedHashMap<>()),
                    f.clock.instant().plusSeconds(60));
            for (String key : hostileKeys()) {
                String label = key == null ? "null" : key.length() > 50 ? key.length() + " chars" : key;
                assertThrows(SuspiciousSessionException.class, () -> f.engine.load(key), label);
                assertThrows(SuspiciousSessionException.class, () -> f.engine.exists(key), label);
                assertThrows(SuspiciousSessionException.class, () -> f.engine.delete(key), label);
                assertThrows(SuspiciousSessionException.class, () -> f.engine.fileOf(key), label);
                for (SaveMode mode : SaveMode.values()) {
                    assertThrows(SuspiciousSessionException.class, () -> f.engine.save(key, record, mode), label);
                }
                Session s = f.sessions.session(key);
                assertNull(s.get("a"), label);
                assertNull(s.getSessionKey(), label);
                s.exists(key);
                s.delete();
                s.flush();
                Session t = f.sessions.session(key);
                t.put("a", 1L);
                t.save();
                assertNotEquals(key, t.getSessionKey(), label);
                assertTrue(f.engine.exists(t.getSessionKey()));
                for (Path sentinel : sentinels) {
                    assertUnchanged(sentinel);
                }
            }
            assertEquals(0, f.engine.contentReads(), "no session file was read at all");
            assertEquals(List.of("sentinel", "sessions", "x"), Fixture.names(root));
            assertEquals(List.of("sentinel", "x"), Fixture.names(sessions.resolve("sessionid..")));
            for (String name : Fixture.names(sessions)) {
                assertTrue(name.equals("sessionid..") || name.matches("sessionid[a-z0-9]{32}"), name);
            }
        }
    }

    private static Path sentinel(Path file) throws IOException {
        Files.write(file, SENTINEL);
        Files.setLastModifiedTime(file, SENTINEL_TIME);
        return file;
    }

    private static void assertUnchanged(Path sentinel) throws IOException {
        assertArrayEquals(SENTINEL, Files.readAllBytes(sentinel), sentinel.toString());
        assertEquals(SENTINEL_TIME, Files.getLastModifiedTime(sentinel), sentinel.toString());
    }
}
