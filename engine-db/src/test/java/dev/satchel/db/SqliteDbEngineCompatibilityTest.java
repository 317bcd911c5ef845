package dev.satchel.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** engine-tck on SQLite (a file in WAL mode, the embedded default). */
class SqliteDbEngineCompatibilityTest extends AbstractDbEngineCompatibilityTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("satchel-sqlite-tck");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected String url() {
        return "jdbc:sqlite:" + DIR.resolve("tck.sqlite3");
    }
}
