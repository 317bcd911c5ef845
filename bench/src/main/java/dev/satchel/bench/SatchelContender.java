package dev.satchel.bench;

import dev.satchel.Session;
import dev.satchel.SessionManager;
import java.util.Map;

/** Satchel's side of a pair: the engine of a {@link Fixture}, used through its {@link SessionManager}. */
public final class SatchelContender implements Contender {
    /** The key each changing operation sets. */
    static final String COUNTER = "bench_counter";

    private final Fixture fixture;
    private final SessionManager manager;
    private Map<String, Object> data;
    private String readKey;
    private String[] keys;
    private Session[] held;

    /** Satchel on {@code fixture}'s engine; the fixture stays open until this is closed. */
    public SatchelContender(Fixture fixture) {
        this.fixture = fixture;
        this.manager = fixture.manager();
    }

    @Override
    public String label() {
        return "Satchel " + fixture.type().label();
    }

    @Override
    public void prepare(Map<String, Object> data, int slots) {
        this.data = data;
        this.readKey = data.keySet().iterator().next();
        keys = new String[slots];
        held = new Session[slots];
        for (int i = 0; i < slots; i++) {
            keys[i] = fixture.seed(data);
            held[i] = manager.session(keys[i]);
            held[i].size(); // loads it
        }
    }

    @Override
    public Object load(int slot) {
        return manager.session(keys[slot]).size();
    }

    @Override
    public Object read(int slot) {
        // Nothing changes, so nothing is saved: what Satchel's filter does at the end of such a request.
        return manager.session(keys[slot]).get(readKey);
    }

    @Override
    public Object save(int slot, long counter) {
        Session s = held[slot];
        s.put(COUNTER, counter);
        s.save();
        return s.getSessionKey();
    }

    @Override
    public Object create() {
        Session s = manager.newSession();
        s.putAll(data);
        s.save();
        return s.getSessionKey();
    }

    @Override
    public Object cycle(int slot, long counter) {
        Session s = manager.session(keys[slot]);
        s.put(COUNTER, counter);
        s.save();
        return s.getSessionKey();
    }

    @Override
    public void close() {
        fixture.close();
    }
}
