package dev.satchel.db;

import dev.satchel.tck.StoreFault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

/**
 * The fault kit on a SQLite file while another connection holds an exclusive lock on it: writes
 * wait for the busy timeout and then raise; reads still work in WAL mode.
 */
class SqliteDbFaultKitTest extends AbstractDbFaultKitTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("satchel-sqlite-fault");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected String url() {
        return "jdbc:sqlite:" + DIR.resolve("fault.sqlite3");
    }

    @Override
    protected String table() {
        return DbSettings.DEFAULT_TABLE;
    }

    @Override
    protected List<StoreFault> faults() {
        return List.of(StoreFault.of("sqlite exclusive lock held by another connection", () -> {
            Connection other = TestDb.connect(url());
            try (Statement st = other.createStatement()) {
                st.execute("BEGIN EXCLUSIVE");
            }
            return () -> {
                try (other;
                        Statement st = other.createStatement()) {
                    st.execute("ROLLBACK");
                }
            };
        }));
    }
}
