package dev.satchel.db;

import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SessionEngine;
import dev.satchel.tck.SessionEngineCompatibilityKit;
import java.util.OptionalLong;

/** The conformance kit on one database, in a table of its own that is dropped afterwards. */
abstract class AbstractDbEngineCompatibilityTest extends SessionEngineCompatibilityKit {
    private final String table = TestDb.uniqueTable("satchel_tck");

    /** The JDBC URL; called after the server check. */
    protected abstract String url();

    @Override
    protected SessionEngine createEngine(EngineContext context) {
        return DbSessionEngine.builder(context)
                .settings(DbSettings.builder().url(url()).table(table).build())
                .build();
    }

    @Override
    protected OptionalLong recordCount() {
        return OptionalLong.of(TestDb.count(url(), table));
    }

    @org.junit.jupiter.api.AfterEach
    void dropTable() {
        TestDb.drop(url(), table);
    }
}
