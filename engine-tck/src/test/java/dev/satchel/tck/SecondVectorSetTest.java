package dev.satchel.tck;

import dev.satchel.testing.SecondVectorSet;
import org.junit.jupiter.api.Test;

/**
 * This module's vector tests pass on a second vector set that real Django made with another key,
 * clock and view arguments ({@link SecondVectorSet}): they read every expectation from the files.
 */
class SecondVectorSetTest {
    @Test
    void vectorTestsPassOnASecondDjangoSet() {
        SecondVectorSet.requirePasses(
                "dev.satchel.tck.DjangoSessionVectorTest", "dev.satchel.tck.MiddlewareVectorTest");
    }
}
