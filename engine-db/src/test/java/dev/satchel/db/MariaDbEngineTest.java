package dev.satchel.db;

/** The db engine's own promises on MariaDb. */
class MariaDbEngineTest extends AbstractDbEngineTest {
    @Override
    protected TestDb db() {
        return TestDb.MARIADB;
    }
}
