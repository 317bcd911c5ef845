package dev.satchel;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one request changed in a session, key by key, so that the changes can be re-applied onto the
 * version another request saved meanwhile. A key counts as changed when the request put or removed
 * it, when its value differs from the version the request loaded (a list changed in place), or when
 * the request cleared the session and the key was there before.
 */
final class SessionChanges {
    /** Each changed key and its new value; a key mapped to {@link #REMOVED} was removed. */
    private final Map<String, Object> changes;

    private static final Object REMOVED = new Object();

    private SessionChanges(Map<String, Object> changes) {
        this.changes = changes;
    }

    /**
     * The changes that turned {@code base} (the version loaded) into {@code mine}.
     *
     * @param touched keys the request put, removed or popped
     * @param cleared whether the request cleared the session
     */
    static SessionChanges between(
            Map<String, Object> base, Map<String, Object> mine, Set<String> touched, boolean cleared) {
        Set<String> keys = new LinkedHashSet<>(touched);
        for (Map.Entry<String, Object> e : mine.entrySet()) {
            if (!base.containsKey(e.getKey()) || !Objects.equals(base.get(e.getKey()), e.getValue())) {
                keys.add(e.getKey());
            }
        }
        for (String key : base.keySet()) {
            if (cleared || !mine.containsKey(key)) {
                keys.add(key);
            }
        }
        Map<String, Object> changes = new LinkedHashMap<>();
        for (String key : keys) {
            changes.put(key, mine.containsKey(key) ? mine.get(key) : REMOVED);
        }
        return new SessionChanges(changes);
    }

    /** Whether the request changed nothing. */
    boolean isEmpty() {
        return changes.isEmpty();
    }

    /** {@code theirs} with these changes applied: the keys not changed here keep their values. */
    Map<String, Object> applyTo(Map<String, Object> theirs) {
        Map<String, Object> merged = new LinkedHashMap<>(theirs);
        changes.forEach((key, value) -> {
            if (value == REMOVED) {
                merged.remove(key);
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    /**
     * How many changed keys the other request changed too (from {@code base} to {@code theirs}): there
     * this request's value replaces the other's.
     */
    int overlapping(Map<String, Object> base, Map<String, Object> theirs) {
        int n = 0;
        for (String key : changes.keySet()) {
            boolean same =
                    base.containsKey(key) == theirs.containsKey(key) && Objects.equals(base.get(key), theirs.get(key));
            if (!same) {
                n++;
            }
        }
        return n;
    }
}
