package dev.satchel.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.SessionManager;
import dev.satchel.testing.MiddlewareVectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The middleware vectors recorded with Django's cache engine, replayed over the reference engine
 * (any server-side engine gives the same headers). The signed-cookie cases run with that engine.
 */
class MiddlewareVectorTest {

    @TestFactory
    Stream<DynamicTest> serverSideCases() {
        return MiddlewareVectors.tests(
                c -> !MiddlewareVectors.signedCookies(c), (settings, clock) -> SessionManager.builder(settings)
                        .clock(clock)
                        .engine(InMemorySessionEngine::new)
                        .build())
                .stream();
    }

    @Test
    void theVectorSetHasServerSideCases() {
        long server = MiddlewareVectors.cases().stream()
                .filter(c -> !MiddlewareVectors.signedCookies(c))
                .count();
        assertTrue(server > 0, "no server-side middleware case in the vector set");
    }
}
