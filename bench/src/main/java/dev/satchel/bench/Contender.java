package dev.satchel.bench;

import java.util.Map;

/**
 * One side of a paired measurement: a Satchel engine, the raw store under it (its floor) or a peer
 * library, each holding its own stored sessions. Sessions are numbered slots prepared in advance; a
 * benchmark thread works on its own slots only, so no slot is used by two threads at once.
 */
public interface Contender extends AutoCloseable {

    /** How the report names this side. */
    String label();

    /**
     * Stores {@code slots} sessions holding {@code data}, and keeps each one loaded for {@link
     * #save}. Called once, before anything is measured.
     */
    void prepare(Map<String, Object> data, int slots);

    /** Fetches session {@code slot} and reads every value (a first access: fetch and decode). */
    Object load(int slot);

    /**
     * A request that reads one value and changes nothing: what it costs end to end, including any
     * write the library still makes on such a request (Spring Session saves the last access time).
     */
    Object read(int slot);

    /** Saves the already loaded session of {@code slot} after setting one value to {@code counter}. */
    Object save(int slot, long counter);

    /** Stores a new session holding the prepared data under a fresh key. */
    Object create();

    /** A request: load session {@code slot}, set one value to {@code counter}, save. */
    Object cycle(int slot, long counter);

    @Override
    void close();
}
