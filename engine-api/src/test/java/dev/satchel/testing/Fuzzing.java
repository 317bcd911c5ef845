package dev.satchel.testing;

import dev.satchel.internal.SensitiveValues;

/**
 * What every {@code @FuzzTest} class shares. Jazzer runs a fuzz test in one of two modes: regression
 * (the default, in every build: the empty input and the committed files under {@code
 * <Class>Inputs/<method>/}) and fuzzing ({@code JAZZER_FUZZ=1}, see {@code scripts/fuzz}).
 */
public final class Fuzzing {
    private Fuzzing() {}

    /** Whether this JVM fuzzes rather than replays the committed inputs. */
    public static boolean active() {
        String env = System.getenv("JAZZER_FUZZ");
        String property = System.getProperty("JAZZER_FUZZ");
        return (env != null && !env.isEmpty()) || (property != null && !property.isEmpty());
    }

    /**
     * Call from {@code @BeforeAll}. When fuzzing, the whole run is one JUnit invocation, so the
     * log-leak check would keep every value the fuzzer ever made (gigabytes in ten minutes) and
     * report an out-of-memory error that is not Satchel's: it is switched off for that JVM. Replaying
     * the committed inputs keeps the check.
     */
    public static void setUp() {
        if (active()) {
            SensitiveValues.observe(null);
        }
    }
}
