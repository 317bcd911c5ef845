package dev.satchel.cookie;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Records what is logged on the security logger, {@code dev.satchel.security.SuspiciousSession}. */
final class SecurityLogCapture implements AutoCloseable {
    static final String LOGGER = "dev.satchel.security.SuspiciousSession";

    private final Logger logger = (Logger) LoggerFactory.getLogger(LOGGER);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    SecurityLogCapture() {
        appender.start();
        logger.addAppender(appender);
    }

    /** The warnings logged so far, formatted. */
    List<String> warnings() {
        return appender.list.stream()
                .filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .collect(Collectors.toList());
    }

    /** Every event logged so far, of any level. */
    int events() {
        return appender.list.size();
    }

    void clear() {
        appender.list.clear();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
