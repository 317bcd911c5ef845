package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.spi.SaveMode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The db engine's own promises on MariaDb. */
class MariaDbEngineTest extends AbstractDbEngineTest {
    @Override
    protected TestDb db() {
        return TestDb.MARIADB;
    }

    private long status(String name) throws SQLException {
        try (Connection c = TestDb.connect(url);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE '" + name + "'")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    @Test
    void statements_arePreparedOnTheServerOnceAndReused() throws SQLException {
        String key = TestDb.key();
        engine.save(key, record(Map.of("n", 1L), Duration.ofHours(1)), SaveMode.CREATE);
        long prepares = status("Com_stmt_prepare");
        long executes = status("Com_stmt_execute");
        for (int i = 0; i < 200; i++) {
            engine.load(key).orElseThrow();
        }
        long prepared = status("Com_stmt_prepare") - prepares;
        long executed = status("Com_stmt_execute") - executes;
        assertTrue(executed >= 200, "each load executes a server-side prepared statement: " + executed);
        // Pool of up to 10 connections: at most one prepare of the load statement on each.
        assertTrue(prepared <= 12, "prepared " + prepared + " times for 200 loads");
    }
}
