package dev.satchel.codec;

import dev.satchel.internal.JsonModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the values put into a session against the JSON data model that Django's session
 * serializer can store, and brings them into the canonical form that {@link JsonSerializer} reads
 * back, so that a value loaded from storage equals the value that was put.
 */
public final class JsonValues {
    /**
     * How many levels of lists and maps a session may hold, counting the session's own map; the same
     * limit as {@link JsonSerializer}'s default.
     */
    public static final int MAX_DEPTH = JsonSerializer.DEFAULT_MAX_DEPTH;

    private JsonValues() {}

    /**
     * Validates a value stored under a session key and returns a canonical deep copy: integer types
     * become {@code Long} ({@code BigInteger} only beyond the long range), {@code Float} becomes
     * {@code Double}, every {@link List} a new {@link ArrayList} and every {@link Map} a new
     * {@link LinkedHashMap} in the same order; {@code String}, {@code Boolean} and {@code null} are kept.
     *
     * @param key the session key, used in error messages
     * @param value the value to store
     * @return the canonical copy
     * @throws IllegalArgumentException if the value holds anything else (the message names the key and
     *     the path inside the value) or nests deeper than {@link #MAX_DEPTH} levels with the session map
     */
    public static Object canonicalize(String key, Object value) {
        if (JsonModel.isScalar(value)) {
            return JsonModel.canonicalScalar(value);
        }
        Builder builder = new Builder();
        JsonModel.walk(value, MAX_DEPTH, 1, "session key " + JsonModel.quote(key) + ": ", builder);
        return builder.root;
    }

    /** Builds the copy as the walk reports the value's parts. */
    private static final class Builder implements JsonModel.Visitor<RuntimeException> {
        private Object[] open = new Object[8];
        private int depth;
        private String pendingKey;
        private Object root;

        @Override
        public void startMap(int size) {
            Map<String, Object> map = new LinkedHashMap<>(capacity(size));
            add(map);
            push(map);
        }

        @Override
        public void key(String key) {
            pendingKey = key;
        }

        @Override
        public void endMap() {
            open[--depth] = null;
        }

        @Override
        public void startList(int size) {
            List<Object> list = new ArrayList<>(Math.min(size, 1024));
            add(list);
            push(list);
        }

        @Override
        public void endList() {
            open[--depth] = null;
        }

        @Override
        public void scalar(Object value) {
            add(JsonModel.canonicalScalar(value));
        }

        @SuppressWarnings("unchecked")
        private void add(Object value) {
            if (depth == 0) {
                root = value;
                return;
            }
            Object parent = open[depth - 1];
            if (parent instanceof Map<?, ?> map) {
                ((Map<String, Object>) map).put(pendingKey, value);
            } else {
                ((List<Object>) parent).add(value);
            }
        }

        private void push(Object container) {
            if (depth == open.length) {
                open = java.util.Arrays.copyOf(open, depth * 2);
            }
            open[depth++] = container;
        }

        private static int capacity(int size) {
            // Sized for the entries without rehashing, but never trusting a huge size() up front.
            return Math.min(size, 1024) * 4 / 3 + 1;
        }
    }
}
