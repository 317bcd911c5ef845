package dev.satchel.spi;

/**
 * The optional ability to delete expired records, like Django's {@code clearsessions}. Engines whose
 * store expires entries by itself (a cache with time-to-live, cookies) do not offer it.
 */
@FunctionalInterface
public interface ExpiredSessionSweeper {

    /**
     * Deletes every record that has expired, leaving live ones untouched.
     *
     * @return how many records were removed
     */
    long clearExpired();
}
