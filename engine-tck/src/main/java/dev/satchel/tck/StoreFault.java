package dev.satchel.tck;

import java.util.Objects;

/**
 * One way to break the store under a {@link SessionEngineFaultKit}: a killed server, a frozen
 * connection, a server answering with errors. {@link Injector#inject()} breaks the store; closing
 * what it returns repairs it and returns only once the store answers again.
 *
 * @param name what the fault is, as shown in test names (for example {@code redis killed})
 * @param losesData whether the repair may lose what was stored (a cache without persistence that
 *     restarts); sessions may then load back empty after the repair, but never older or wrong
 * @param injector breaks the store
 */
public record StoreFault(String name, boolean losesData, Injector injector) {

    /** Breaks the store; the returned handle repairs it when closed. */
    @FunctionalInterface
    public interface Injector {
        AutoCloseable inject() throws Exception;
    }

    public StoreFault {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(injector, "injector");
    }

    /** A fault after whose repair the store still holds everything it acknowledged. */
    public static StoreFault of(String name, Injector injector) {
        return new StoreFault(name, false, injector);
    }

    /** A fault whose repair may lose stored data (the store restarts empty). */
    public static StoreFault losingData(String name, Injector injector) {
        return new StoreFault(name, true, injector);
    }

    @Override
    public String toString() {
        return name;
    }
}
