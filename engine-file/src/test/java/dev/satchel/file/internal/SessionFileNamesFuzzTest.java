package dev.satchel.file.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.satchel.SuspiciousSessionException;
import dev.satchel.testing.FuzzData;
import dev.satchel.testing.Fuzzing;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/**
 * The file engine's mapping between session keys and file names ({@link SessionDirectory}, {@link
 * KeyLocks}), for any cookie name the settings accept and any key or directory entry name: a key
 * becomes a path only when it is 8 to 40 characters of {@code [a-z0-9]}, and then the path is the
 * directory's own entry {@code <cookie name><key>} and maps back to the same key (as Django names
 * the file); a refused key is refused with {@link SuspiciousSessionException} without being quoted;
 * an entry name is a session file, a scratch file of Satchel or Django, or neither, never both; the
 * names Satchel writes besides session files (temporary, set aside, the lock file) never read as a
 * session; every name locks a byte within the file's range. Committed inputs: a flags byte, then
 * Django's session keys and key candidates ({@code session_keys.json}).
 */
class SessionFileNamesFuzzTest {
    private static final Path DIRECTORY = Path.of("/nonexistent/satchel-fuzz-sessions");
    private static final String TOKEN_CHARS =
            "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String[] PREFIXES = {"sessionid", "__Host-sid", "s", ".satchel-lock"};

    @BeforeAll
    static void setUp() {
        Fuzzing.setUp();
    }

    /**
     * Input: one flags byte (bits 0-1: the cookie name, or one from the bytes when bit 2 is set;
     * bits 3-4: how the bytes become text), then the key, also read as a directory entry name.
     */
    @FuzzTest
    void keysAndNames_mapOneToOne(byte[] input) {
        FuzzData data = new FuzzData(input);
        int flags = data.nextByte();
        String prefix = (flags & 4) != 0 ? token(data) : PREFIXES[flags & 3];
        String key = data.restAsText(flags >> 3);
        SessionDirectory files = new SessionDirectory(DIRECTORY, prefix);

        Path path;
        try {
            path = files.path(key);
        } catch (SuspiciousSessionException refused) {
            assertFalse(SessionDirectory.isValidKey(key));
            assertEquals(
                    "Session key refused by the file engine: " + key.length()
                            + " characters; a key must be 8 to 40 characters of [a-z0-9]",
                    refused.getMessage());
            checkEntryName(files, key);
            checkEntryName(files, prefix + key);
            return;
        }
        assertTrue(SessionDirectory.isValidKey(key));
        assertEquals(DIRECTORY, path.getParent(), "the session file is not an entry of the directory");
        String name = path.getFileName().toString();
        assertEquals(prefix + key, name, "not Django's file name");
        assertEquals(key, files.keyOf(name));
        assertFalse(files.isScratchFile(name));
        // What Satchel and Django write beside a session file is scratch, never a session.
        for (String scratch : new String[] {
            name + SessionDirectory.TEMP_MARK + "123",
            name + SessionDirectory.TOMB_MARK + "18446744073709551615",
            name + SessionDirectory.DJANGO_TEMP_MARK + "k2j_x9"
        }) {
            assertNull(files.keyOf(scratch), scratch);
            assertTrue(files.isScratchFile(scratch), scratch);
        }
        checkEntryName(files, name);
    }

    /** Any entry name: a session (whose name is exactly the prefix and a valid key), scratch, or neither. */
    private static void checkEntryName(SessionDirectory files, String name) {
        String key = files.keyOf(name);
        if (key != null) {
            assertTrue(SessionDirectory.isValidKey(key));
            assertEquals(name, files.prefix() + key);
            if (files.isScratchFile(name)) {
                fail("both a session and a scratch file: " + name);
            }
        }
        long slot = KeyLocks.slot(name);
        assertTrue(slot >= 0 && slot < 1L << 62, "lock byte out of range: " + slot);
        String lock = KeyLocks.fileName(files.prefix());
        assertFalse(lock.startsWith(files.prefix()), "the lock file starts with the cookie name");
        assertNull(files.keyOf(lock));
        assertFalse(files.isScratchFile(lock));
    }

    /** A cookie name the settings accept (an RFC 6265 token). */
    private static String token(FuzzData data) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + data.nextInt(16);
        for (int i = 0; i < n; i++) {
            sb.append(TOKEN_CHARS.charAt(data.nextInt(TOKEN_CHARS.length())));
        }
        return sb.toString();
    }
}
