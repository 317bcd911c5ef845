package dev.satchel.file;

import dev.satchel.SessionSettings;
import dev.satchel.file.internal.SessionDirectory;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.tck.MutableClock;
import dev.satchel.tck.SessionEngineCompatibilityKit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;

/** The file engine passes the conformance kit. */
class FileEngineCompatibilityTest extends SessionEngineCompatibilityKit {
    @TempDir
    Path dir;

    @Override
    protected SessionEngine createEngine(EngineContext context) {
        return new FileSessionEngine(context);
    }

    @Override
    protected SessionSettings.Builder settings() {
        return super.settings().engineProperty(FileSessionEngine.PATH, dir.toString());
    }

    /**
     * The store records expiry in file times, which it compares with the real inode change time. In
     * production the session clock is the real clock, so an expiry always lies after its write; the
     * kit's clock starts at the current whole second (up to a second behind real time), so it is
     * started an hour ahead to keep that true for the kit's one-second expiries.
     */
    @Override
    protected MutableClock newClock() {
        return new MutableClock(Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS));
    }

    @Override
    protected OptionalLong recordCount() {
        SessionDirectory files = new SessionDirectory(dir, "sessionid");
        try (Stream<Path> entries = Files.list(dir)) {
            return OptionalLong.of(
                    entries.filter(p -> files.keyOf(p.getFileName().toString()) != null)
                            .count());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
