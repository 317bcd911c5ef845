package dev.satchel.db;

import dev.satchel.testing.Servers;
import org.junit.jupiter.api.BeforeAll;

/** engine-tck on the machine's MariaDB. */
class MariaDbEngineCompatibilityTest extends AbstractDbEngineCompatibilityTest {
    @BeforeAll
    static void server() {
        Servers.require("MariaDB", Servers.MARIADB_URL);
    }

    @Override
    protected String url() {
        return Servers.MARIADB_URL;
    }
}
