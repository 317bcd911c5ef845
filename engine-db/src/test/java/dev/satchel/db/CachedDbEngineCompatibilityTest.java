package dev.satchel.db;

import dev.satchel.SessionSettings;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.tck.SessionEngineCompatibilityKit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;

/** engine-tck on cached_db with its defaults: SQLite behind an embedded Caffeine cache. */
class CachedDbEngineCompatibilityTest extends SessionEngineCompatibilityKit {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("satchel-cached-db-tck");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final String table = TestDb.uniqueTable("satchel_cdb");
    private final String url = "jdbc:sqlite:" + DIR.resolve("cached.sqlite3");

    @Override
    protected SessionSettings.Builder settings() {
        return super.settings()
                .engineProperty(DbSettings.URL, url)
                .engineProperty(DbSettings.TABLE, table)
                .engineProperty("satchel.cache.url", "caffeine:");
    }

    @Override
    protected SessionEngine createEngine(EngineContext context) {
        return CachedDbSessionEngine.create(context);
    }

    @Override
    protected OptionalLong recordCount() {
        return OptionalLong.of(TestDb.count(url, table));
    }

    @AfterEach
    void dropTable() {
        TestDb.drop(url, table);
    }
}
