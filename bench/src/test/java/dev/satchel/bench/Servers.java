package dev.satchel.bench;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Tests on a loopback server: skipped when it does not answer, failed instead under {@code CI=true}. */
final class Servers {
    private Servers() {}

    /** Returns when the server of every URL answers; skips (or, in CI, fails) the test otherwise. */
    static void require(String... urls) {
        for (String url : urls) {
            if (!Stores.reachable(url)) {
                if ("true".equals(System.getenv("CI"))) {
                    fail("CI=true and the server of " + url + " does not answer");
                }
                assumeTrue(false, "the server of " + url + " does not answer");
            }
        }
    }
}
