package dev.satchel.internal;

import java.util.function.Consumer;

/**
 * Where values that must never reach a log pass by: session keys, cookie values, secrets and signed
 * values. A test suite installs an observer to collect them and then checks every log line against
 * them; in production none is installed and reporting costs one volatile read.
 */
public final class SensitiveValues {
    private static volatile Consumer<String> observer;

    private SensitiveValues() {}

    /** Installs {@code observer} (or removes it with {@code null}); for test suites. */
    public static void observe(Consumer<String> observer) {
        SensitiveValues.observer = observer;
    }

    /** Reports a value that is being handled and must never be logged. */
    public static void handled(String value) {
        Consumer<String> o = observer;
        if (o != null && value != null) {
            o.accept(value);
        }
    }
}
