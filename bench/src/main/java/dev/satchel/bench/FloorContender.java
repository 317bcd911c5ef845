package dev.satchel.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The floor's side of a pair: the raw store doing the I/O its engine does, with the engine's bytes.
 * Every write carries a fresh expiry computed at that moment, as the engine's does: a constant one
 * would let a database skip index maintenance the engine cannot skip.
 */
public final class FloorContender implements Contender {
    private final String label;
    private final Fixture fixture;
    private final Floor floor;
    private final Duration age;
    private Map<String, Object> data;
    private String encoded;
    /** The session with a changing counter and its encoding: each save writes new bytes, as Satchel's does. */
    private Map<String, Object>[] variants;

    private String[] encodedVariants;
    private String[] keys;

    /** {@code floor} of {@code fixture}'s engine, named {@code label} in the report. */
    public FloorContender(String label, Fixture fixture, Floor floor) {
        this.label = label;
        this.fixture = fixture;
        this.floor = floor;
        this.age = fixture.manager().settings().cookieAge();
    }

    @Override
    public String label() {
        return label;
    }

    private Instant expiry() {
        return fixture.clock().instant().plus(age);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void prepare(Map<String, Object> data, int slots) {
        this.data = data;
        this.encoded = fixture.encode(data);
        // one more variant than slots: a slot never gets the bytes it already holds (a database skips
        // an update that changes nothing, which Satchel's save never is)
        variants = new Map[slots + 1];
        encodedVariants = new String[slots + 1];
        for (int i = 0; i < variants.length; i++) {
            Map<String, Object> changed = new LinkedHashMap<>(data);
            changed.put(SatchelContender.COUNTER, (long) i);
            variants[i] = changed;
            encodedVariants[i] = fixture.encode(changed);
        }
        keys = new String[slots];
        for (int i = 0; i < slots; i++) {
            keys[i] = floor.create(data, encoded, expiry());
        }
    }

    private int variant(long counter) {
        return (int) (counter % variants.length);
    }

    @Override
    public Object load(int slot) {
        return floor.load(keys[slot]);
    }

    @Override
    public Object read(int slot) {
        return floor.load(keys[slot]);
    }

    @Override
    public Object save(int slot, long counter) {
        int v = variant(counter);
        keys[slot] = floor.save(keys[slot], variants[v], encodedVariants[v], expiry());
        return keys[slot];
    }

    @Override
    public Object create() {
        return floor.create(data, encoded, expiry());
    }

    @Override
    public Object cycle(int slot, long counter) {
        floor.load(keys[slot]);
        int v = variant(counter);
        return floor.save(keys[slot], variants[v], encodedVariants[v], expiry());
    }

    /** The fixture (and its floor) is closed by the Satchel side of the pair. */
    @Override
    public void close() {}
}
