package dev.satchel.db;

import dev.satchel.testing.Servers;
import org.junit.jupiter.api.BeforeAll;

/** engine-tck on the machine's PostgreSQL. */
class PostgresDbEngineCompatibilityTest extends AbstractDbEngineCompatibilityTest {
    @BeforeAll
    static void server() {
        Servers.require("PostgreSQL", Servers.POSTGRES_URL);
    }

    @Override
    protected String url() {
        return Servers.POSTGRES_URL;
    }
}
