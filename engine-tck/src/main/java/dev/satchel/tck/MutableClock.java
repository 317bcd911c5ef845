package dev.satchel.tck;

import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * A clock that tests move by hand, so expiry is tested without sleeping. Thread-safe. It starts at
 * the current whole second, so stores that also look at real time see plausible instants.
 */
public final class MutableClock extends Clock implements Serializable {
    private static final long serialVersionUID = 1L;
    private volatile Instant now;

    /** A clock at the current whole second. */
    public MutableClock() {
        this(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    /** A clock at {@code start}. */
    public MutableClock(Instant start) {
        this.now = start;
    }

    /** Moves the clock forward (or back, with a negative duration). */
    public synchronized void advance(Duration duration) {
        now = now.plus(duration);
    }

    /** Sets the clock. */
    public void set(Instant instant) {
        now = instant;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (zone.equals(ZoneOffset.UTC)) {
            return this;
        }
        throw new UnsupportedOperationException("MutableClock is always UTC");
    }
}
