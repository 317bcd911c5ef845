package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.tck.MutableClock;
import dev.satchel.testing.Servers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** clearExpired on 100 000 expired rows in PostgreSQL: the count is exact, live rows stay; time printed. */
class PostgresClearExpiredTimingTest {
    @Test
    void hundredThousandExpiredRows() throws Exception {
        Servers.require("PostgreSQL", Servers.POSTGRES_URL);
        String url = Servers.POSTGRES_URL;
        String table = TestDb.uniqueTable("satchel_sweep");
        MutableClock clock = new MutableClock();
        try (DbSessionEngine engine = DbSessionEngine.builder(TestDb.context(clock))
                .settings(DbSettings.builder().url(url).table(table).build())
                .build()) {
            try (Connection c = TestDb.connect(url);
                    PreparedStatement ps = c.prepareStatement("INSERT INTO \"" + table + "\" SELECT"
                            + " md5(g::text), 'expired', ? FROM generate_series(1, 100000) AS g")) {
                ps.setObject(1, OffsetDateTime.ofInstant(clock.instant().minusSeconds(3600), ZoneOffset.UTC));
                assertEquals(100_000, ps.executeUpdate());
            }
            List<String> live =
                    TestDb.insertRows(url, table, 50, "live", clock.instant().plusSeconds(3600));
            long start = System.nanoTime();
            long removed = assertTimeoutPreemptively(Duration.ofMinutes(2), engine::clearExpired);
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf(
                    "[postgres] clearExpired removed %d expired rows in %d ms (batches of %d)%n",
                    removed, millis, engine.dbSettings().clearBatchSize());
            assertEquals(100_000, removed);
            assertEquals(50, TestDb.count(url, table));
            for (String key : live) {
                assertTrue(engine.exists(key));
            }
        } finally {
            TestDb.drop(url, table);
        }
    }
}
