package dev.satchel.cookie;

import dev.satchel.SessionManager;
import dev.satchel.testing.MiddlewareVectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** The middleware vectors recorded with Django's signed_cookies engine, through SessionMiddleware. */
class SignedCookieMiddlewareVectorTest {

    @TestFactory
    Stream<DynamicTest> signedCookieCases() {
        return MiddlewareVectors.tests(
                MiddlewareVectors::signedCookies, (settings, clock) -> SessionManager.builder(settings)
                        .clock(clock)
                        .engine(SignedCookieEngine::new)
                        .build())
                .stream();
    }
}
