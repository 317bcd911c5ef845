package dev.satchel.db;

/** The db engine's own promises on Postgres. */
class PostgresDbEngineTest extends AbstractDbEngineTest {
    @Override
    protected TestDb db() {
        return TestDb.POSTGRES;
    }
}
