package dev.satchel.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import dev.satchel.internal.SensitiveValues;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test when anything logged during it contains a value that must never reach a log and was
 * handled in the same test class: a session key, a cookie value, a secret key, a signed value, a
 * password or session auth hash (collected through {@link SensitiveValues} as the code runs).
 * Registered for every test by JUnit's extension auto-detection (see the parent POM's surefire
 * settings), so the whole suite runs under it; each module's {@code target/log-leak.txt} says how
 * much it checked.
 */
public final class LogLeakExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    /** Shorter values (test secrets such as "k") would match ordinary text and prove nothing. */
    private static final int MIN_LENGTH = 8;

    private static final Set<String> VALUES = ConcurrentHashMap.newKeySet();
    private static final List<String> LINES = new ArrayList<>();
    private static final AtomicLong VALUES_SEEN = new AtomicLong();
    private static final AtomicLong LINES_CHECKED = new AtomicLong();
    private static final AtomicLong FINDINGS = new AtomicLong();
    private static volatile boolean installed;

    private static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        SensitiveValues.observe(value -> {
            if (value.length() >= MIN_LENGTH && VALUES.add(value)) {
                VALUES_SEEN.incrementAndGet();
            }
        });
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            Capture capture = new Capture();
            capture.setContext(context);
            capture.setName("satchel-log-leak-check");
            capture.start();
            context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
        }
    }

    /** The running totals of this test JVM, in {@code target/log-leak.txt} of the module. */
    @Override
    public void afterAll(ExtensionContext context) {
        String summary = LINES_CHECKED.get() + " log lines checked against " + VALUES_SEEN.get() + " sensitive values: "
                + FINDINGS.get() + " findings\n";
        try {
            Path target = Path.of("target");
            if (Files.isDirectory(target)) {
                Files.writeString(target.resolve("log-leak.txt"), summary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Collects every log line (message and the messages of its exceptions). */
    private static final class Capture extends AppenderBase<ILoggingEvent> {
        @Override
        protected void append(ILoggingEvent event) {
            StringBuilder line =
                    new StringBuilder(event.getLoggerName()).append(": ").append(event.getFormattedMessage());
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                line.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            }
            synchronized (LINES) {
                LINES.add(line.toString());
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
        VALUES.clear();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        install();
        synchronized (LINES) {
            LINES.clear();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> lines;
        synchronized (LINES) {
            lines = new ArrayList<>(LINES);
            LINES.clear();
        }
        LINES_CHECKED.addAndGet(lines.size());
        List<String> leaks = new ArrayList<>();
        for (String line : lines) {
            for (String value : VALUES) {
                if (line.contains(value)) {
                    leaks.add(line.replace(value, "<" + value.length() + " sensitive characters>"));
                    break;
                }
            }
        }
        if (!leaks.isEmpty()) {
            FINDINGS.addAndGet(leaks.size());
            throw new AssertionError(leaks.size() + " log line(s) contain a session key, cookie value, secret or"
                    + " signed value handled in this test (shown redacted):\n  " + String.join("\n  ", leaks));
        }
    }
}
