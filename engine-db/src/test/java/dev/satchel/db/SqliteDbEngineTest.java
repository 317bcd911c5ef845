package dev.satchel.db;

/** The db engine's own promises on Sqlite. */
class SqliteDbEngineTest extends AbstractDbEngineTest {
    @Override
    protected TestDb db() {
        return TestDb.SQLITE;
    }
}
