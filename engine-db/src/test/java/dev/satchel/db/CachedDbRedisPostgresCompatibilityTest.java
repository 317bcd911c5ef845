package dev.satchel.db;

import dev.satchel.SessionSettings;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.tck.SessionEngineCompatibilityKit;
import dev.satchel.testing.Servers;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** engine-tck on cached_db over the machine's PostgreSQL and Redis. */
class CachedDbRedisPostgresCompatibilityTest extends SessionEngineCompatibilityKit {
    private final String table = TestDb.uniqueTable("satchel_cdb");

    @BeforeEach
    void servers() {
        Servers.require("PostgreSQL", Servers.POSTGRES_URL);
        Servers.require("Redis", Servers.REDIS_URL);
    }

    @Override
    protected SessionSettings.Builder settings() {
        return super.settings()
                .engineProperty(DbSettings.URL, Servers.POSTGRES_URL)
                .engineProperty(DbSettings.TABLE, table)
                .engineProperty("satchel.cache.url", Servers.REDIS_URL)
                .engineProperty("satchel.cache.key-prefix", table);
    }

    @Override
    protected SessionEngine createEngine(EngineContext context) {
        return CachedDbSessionEngine.create(context);
    }

    @Override
    protected OptionalLong recordCount() {
        return OptionalLong.of(TestDb.count(Servers.POSTGRES_URL, table));
    }

    @AfterEach
    void dropTable() {
        if (Servers.reachable("127.0.0.1", 5432)) {
            TestDb.drop(Servers.POSTGRES_URL, table);
        }
    }
}
