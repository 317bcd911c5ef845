package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.spi.SaveMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The db engine's own promises on Sqlite. */
class SqliteDbEngineTest extends AbstractDbEngineTest {
    @Override
    protected TestDb db() {
        return TestDb.SQLITE;
    }

    @Test
    void statements_arePreparedOncePerConnectionAndReused() {
        String key = TestDb.key();
        engine.save(key, record(Map.of("n", 1L), Duration.ofHours(1)), SaveMode.CREATE);
        counter.reset();
        int before = counter.prepared().size();
        for (int i = 0; i < 200; i++) {
            engine.load(key).orElseThrow();
            engine.save(key, record(Map.of("n", (long) i), Duration.ofHours(1)), SaveMode.UPDATE);
        }
        List<String> prepared =
                counter.prepared().subList(before, counter.prepared().size());
        assertEquals(400, counter.count(), "every call still sends its statement");
        // The SQLite pool holds at most 4 connections: each statement is prepared at most once on each.
        assertTrue(prepared.size() <= 8, "prepared " + prepared.size() + " times: " + prepared);
    }
}
