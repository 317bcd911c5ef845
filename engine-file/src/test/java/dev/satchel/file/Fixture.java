package dev.satchel.file;

import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.file.internal.KeyLocks;
import dev.satchel.tck.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A session manager over a file engine in a test directory, with a clock the test moves. */
final class Fixture implements AutoCloseable {
    static final String SECRET = "file-engine-test-secret-0123456789abcdefghijklmnop";

    final Path dir;
    final MutableClock clock;
    final SessionManager sessions;
    final FileSessionEngine engine;

    private Fixture(Path dir, MutableClock clock, SessionSettings settings) {
        this.dir = dir;
        this.clock = clock;
        this.sessions = SessionManager.builder(settings)
                .clock(clock)
                .engine(FileSessionEngine::new)
                .build();
        this.engine = (FileSessionEngine) sessions.engine();
    }

    /**
     * A fixture whose clock starts an hour ahead of real time: expiries then always lie after the real
     * moment of the write, as they do in production with the real clock.
     */
    static Fixture open(Path dir) {
        return open(dir, aheadOfRealTime(), b -> b);
    }

    static Fixture open(Path dir, MutableClock clock, UnaryOperator<SessionSettings.Builder> tweak) {
        return open(dir, clock, SECRET, tweak);
    }

    static Fixture open(Path dir, MutableClock clock, String secret, UnaryOperator<SessionSettings.Builder> tweak) {
        SessionSettings.Builder b =
                SessionSettings.builder().secretKey(secret).engineProperty(FileSessionEngine.PATH, dir.toString());
        return new Fixture(dir, clock, tweak.apply(b).build());
    }

    static MutableClock aheadOfRealTime() {
        return new MutableClock(Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
    }

    /** Creates a directory only its owner may use (mode 0700), as the engine requires. */
    static Path privateDirectory(Path dir) throws IOException {
        return Files.createDirectory(
                dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Every entry of a directory but the engine's lock file, by name, sorted. */
    static List<String> names(Path dir) {
        List<String> names = allNames(dir);
        names.remove(KeyLocks.FILE_NAME);
        return names;
    }

    /** Every entry of a directory, by name, sorted. */
    static List<String> allNames(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a session file the way Django does: the content, and the modification time of the write. */
    static Path writeLikeDjango(Path dir, String fileName, String content, Instant writtenAt) throws IOException {
        Path file = dir.resolve(fileName);
        Files.write(file, content.getBytes(StandardCharsets.US_ASCII));
        Files.setLastModifiedTime(file, FileTime.from(writtenAt));
        return file;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        sessions.close();
    }
}
