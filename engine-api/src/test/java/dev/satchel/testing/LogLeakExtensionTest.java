package dev.satchel.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.SessionKeys;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The leak check fails a test that logs a session key it handled, and passes one that does not. */
class LogLeakExtensionTest {

    @Test
    void aLoggedSessionKey_isALeak_andIsShownRedacted() {
        LogLeakExtension check = new LogLeakExtension();
        check.beforeAll(null);
        check.beforeEach(null);
        String key = SessionKeys.generate();
        LoggerFactory.getLogger("leak-test").warn("careless code logs the key {}", key);
        AssertionError e = assertThrows(AssertionError.class, () -> check.afterEach(null));
        assertTrue(e.getMessage().contains("<32 sensitive characters>"), e.getMessage());
        assertTrue(!e.getMessage().contains(key), "the report itself does not repeat the key");
    }

    @Test
    void aLogLineWithoutSensitiveValues_passes() {
        LogLeakExtension check = new LogLeakExtension();
        check.beforeAll(null);
        check.beforeEach(null);
        SessionKeys.generate();
        LoggerFactory.getLogger("leak-test").warn("session key refused: malformed (not looked up)");
        check.afterEach(null);
    }
}
