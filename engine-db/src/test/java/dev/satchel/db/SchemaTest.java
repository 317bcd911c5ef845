package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.db.internal.Dialect;
import dev.satchel.tck.MutableClock;
import dev.satchel.testing.DjangoVectors;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The DDL shipped per database is Django's migration, and create-table does what it says. */
class SchemaTest {
    private static final JsonNode DB = DjangoVectors.load("backends.json").get("db_backend");

    @TempDir
    Path dir;

    private static List<String> statements(String sqlmigrate) {
        List<String> out = new ArrayList<>();
        for (String line : sqlmigrate.split("\n")) {
            if (line.startsWith("CREATE")) {
                out.add(line.substring(0, line.length() - 1));
            }
        }
        return out;
    }

    @Test
    void shippedDdl_isDjangosSqlmigrateOutput() {
        assertEquals(
                statements(DB.get("sqlmigrate_sqlite").asText()),
                Dialect.forUrl("jdbc:sqlite:x").ddl("django_session"));
        // A vector set made without psycopg2 has no PostgreSQL text (the generated second set): nothing to compare.
        if (DB.hasNonNull("sqlmigrate_postgresql")) {
            assertEquals(
                    statements(DB.get("sqlmigrate_postgresql").asText()),
                    Dialect.forUrl("jdbc:postgresql://h/d").ddl("django_session"));
        } else {
            System.out.println("SKIPPED sqlmigrate_postgresql: not in " + DjangoVectors.source());
        }
        assertEquals(
                List.of(
                        "CREATE TABLE `django_session` (`session_key` varchar(40) NOT NULL PRIMARY KEY, `session_data` longtext NOT NULL, `expire_date` datetime(6) NOT NULL)",
                        "CREATE INDEX `django_session_expire_date_a5c62663` ON `django_session` (`expire_date`)"),
                Dialect.forUrl("jdbc:mariadb://h/d").ddl("django_session"));
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void tableIsCreatedOnce_withDjangosColumnsAndIndexes(TestDb db) throws Exception {
        String url = db.requireUrl(dir);
        String table = TestDb.uniqueTable("satchel_schema");
        try {
            for (int i = 0; i < 2; i++) { // the second start finds the table and leaves it alone
                DbSessionEngine.builder(TestDb.context(new MutableClock()))
                        .settings(DbSettings.builder().url(url).table(table).build())
                        .build()
                        .close();
            }
            Set<String> indexes = new TreeSet<>();
            String sql =
                    switch (db) {
                        case SQLITE ->
                            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL";
                        case POSTGRES ->
                            "SELECT indexname FROM pg_indexes WHERE tablename = ? AND indexname NOT LIKE '%_pkey'";
                        case MARIADB ->
                            "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = DATABASE()"
                                    + " AND table_name = ? AND index_name <> 'PRIMARY'";
                    };
            try (Connection c = TestDb.connect(url);
                    PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        indexes.add(rs.getString(1));
                    }
                }
            }
            Set<String> expected = new TreeSet<>();
            expected.add(dev.satchel.db.internal.DjangoNames.indexName(
                    table, "expire_date", "", db == TestDb.SQLITE ? 0 : 63));
            if (db == TestDb.POSTGRES) {
                expected.add(dev.satchel.db.internal.DjangoNames.indexName(table, "session_key", "_like", 63));
            }
            assertEquals(expected, indexes);
            if (db == TestDb.MARIADB) {
                try (Connection c = TestDb.connect(url);
                        PreparedStatement ps = c.prepareStatement("SELECT column_type FROM information_schema.columns"
                                + " WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position")) {
                    ps.setString(1, table);
                    List<String> types = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            types.add(rs.getString(1));
                        }
                    }
                    assertEquals(List.of("varchar(40)", "longtext", "datetime(6)"), types);
                }
            }
        } finally {
            TestDb.drop(url, table);
        }
    }

    @Test
    void createTableOff_createsNothing_andCallsReportTheMissingTable() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("off.sqlite3");
        try (DbSessionEngine e = DbSessionEngine.builder(TestDb.context(new MutableClock()))
                .settings(DbSettings.builder().url(url).createTable(false).build())
                .build()) {
            SessionStoreUnavailableException ex =
                    assertThrows(SessionStoreUnavailableException.class, () -> e.exists(TestDb.key()));
            assertTrue(ex.getMessage().contains("django_session"), ex.getMessage());
        }
        try (Connection c = TestDb.connect(url);
                ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM sqlite_master")) {
            rs.next();
            assertEquals(0, rs.getInt(1));
        }
    }
}
