package dev.satchel.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The system clock, shifted by an offset the expiry benchmark moves forward to make sessions expire. */
public final class BenchClock extends Clock {
    private volatile Duration offset = Duration.ZERO;

    /** Moves this clock {@code offset} ahead of the system clock. */
    public void setOffset(Duration offset) {
        this.offset = offset;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }

    @Override
    public Instant instant() {
        Instant now = Instant.now();
        Duration d = offset;
        return d.isZero() ? now : now.plus(d);
    }
}
