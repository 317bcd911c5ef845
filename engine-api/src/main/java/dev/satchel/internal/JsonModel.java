package dev.satchel.internal;

import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The JSON data model sessions hold, shared by the serializer and by the check that runs when a value
 * is put into a session: {@code String}, {@code Boolean}, {@code null}, {@code Byte}/{@code Short}/
 * {@code Integer}/{@code Long}/{@code BigInteger}, {@code Float}/{@code Double}, any {@link List}, and
 * any {@link Map} with {@code String} keys. {@link #walk} visits such a value without recursion, so
 * neither deep nor self-containing values can overflow the stack, and it names the path of anything
 * outside the model.
 *
 * <p><b>Internal:</b> this class is public only so that Satchel's own packages can share it. It is
 * not part of the supported API and may change without notice.
 */
public final class JsonModel {
    /** The tail of every rejection message: what a session may hold. */
    public static final String ALLOWED =
            "sessions hold only JSON values (String, Long/Integer/BigInteger, Double, Boolean, null, List, Map with"
                    + " String keys)";

    private static final int MAX_PATH_CHARS = 300;
    private static final int MAX_KEY_CHARS = 64;
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private JsonModel() {}

    /**
     * Receives the parts of a value in document order from {@link #walk}.
     *
     * @param <X> the checked exception the receiver may throw
     */
    public interface Visitor<X extends Exception> {
        /** A map starts; {@code size} entries follow, each as {@link #key} then its value. */
        void startMap(int size) throws X;

        /** The key of the next map entry. */
        void key(String key) throws X;

        /** The current map ends. */
        void endMap() throws X;

        /** A list starts; {@code size} elements follow. */
        void startList(int size) throws X;

        /** The current list ends. */
        void endList() throws X;

        /**
         * A scalar of the model: {@code String}, {@code Boolean}, {@code null}, an integer type, or
         * {@code Float}/{@code Double}, exactly as found (see {@link #canonicalScalar}).
         */
        void scalar(Object value) throws X;
    }

    /**
     * Visits {@code root} depth first without recursion.
     *
     * @param root the value
     * @param maxDepth how many levels of lists and maps are allowed, counting {@code outerLevels}
     * @param outerLevels levels that already enclose {@code root} (1 for a value inside a session map)
     * @param messagePrefix put in front of rejection messages (for example the session key), may be empty
     * @param visitor receives the value's parts
     * @throws IllegalArgumentException if the value is outside the model or nests too deeply; nothing
     *     has been visited past the offending part
     */
    public static <X extends Exception> void walk(
            Object root, int maxDepth, int outerLevels, String messagePrefix, Visitor<X> visitor) throws X {
        Frame[] stack = new Frame[8];
        int depth = 0;
        Object value = root;
        while (true) {
            if (value instanceof Map<?, ?> map) {
                if (depth + 1 + outerLevels > maxDepth) {
                    throw tooDeep(messagePrefix, maxDepth, outerLevels);
                }
                visitor.startMap(map.size());
                if (depth == stack.length) {
                    stack = java.util.Arrays.copyOf(stack, depth * 2);
                }
                stack[depth++] = new Frame(true, map.entrySet().iterator());
            } else if (value instanceof List<?> list) {
                if (depth + 1 + outerLevels > maxDepth) {
                    throw tooDeep(messagePrefix, maxDepth, outerLevels);
                }
                visitor.startList(list.size());
                if (depth == stack.length) {
                    stack = java.util.Arrays.copyOf(stack, depth * 2);
                }
                stack[depth++] = new Frame(false, list.iterator());
            } else if (isScalar(value)) {
                visitor.scalar(value);
            } else {
                throw new IllegalArgumentException(messagePrefix
                        + (depth == 0 ? "value" : "value at " + path(stack, depth))
                        + " is a "
                        + value.getClass().getTypeName()
                        + "; "
                        + ALLOWED);
            }
            // Move to the next value, closing every container that is finished.
            boolean next = false;
            while (depth > 0) {
                Frame f = stack[depth - 1];
                if (f.it.hasNext()) {
                    if (f.map) {
                        Map.Entry<?, ?> e = (Map.Entry<?, ?>) f.it.next();
                        Object key = e.getKey();
                        if (!(key instanceof String k)) {
                            throw badKey(messagePrefix, stack, depth - 1, key);
                        }
                        f.key = k;
                        visitor.key(k);
                        value = e.getValue();
                    } else {
                        f.index++;
                        value = f.it.next();
                    }
                    next = true;
                    break;
                }
                stack[--depth] = null;
                if (f.map) {
                    visitor.endMap();
                } else {
                    visitor.endList();
                }
            }
            if (!next) {
                return;
            }
        }
    }

    /** Whether {@code value} is a scalar of the model. */
    public static boolean isScalar(Object value) {
        return value == null
                || value instanceof String
                || value instanceof Boolean
                || value instanceof Long
                || value instanceof Integer
                || value instanceof Double
                || value instanceof BigInteger
                || value instanceof Short
                || value instanceof Byte
                || value instanceof Float;
    }

    /**
     * The canonical form of a scalar, which is also what the deserializer returns: integers become
     * {@code Long} (a {@code BigInteger} only beyond the long range), {@code Float} becomes
     * {@code Double}; {@code String}, {@code Boolean} and {@code null} are returned as they are.
     */
    public static Object canonicalScalar(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return Long.valueOf(((Number) value).longValue());
        }
        if (value instanceof Float f) {
            return Double.valueOf(f.doubleValue());
        }
        if (value instanceof BigInteger big && big.compareTo(LONG_MIN) >= 0 && big.compareTo(LONG_MAX) <= 0) {
            return Long.valueOf(big.longValue());
        }
        return value;
    }

    /** {@code "key"} with quotes and backslashes escaped, shortened if long, for messages. */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_KEY_CHARS) + 8);
        sb.append('"');
        int n = Math.min(s.length(), MAX_KEY_CHARS);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (s.length() > n) {
            sb.append("...");
        }
        return sb.append('"').toString();
    }

    private static IllegalArgumentException tooDeep(String prefix, int maxDepth, int outerLevels) {
        return new IllegalArgumentException(prefix
                + "value nests lists and maps more than "
                + maxDepth
                + " levels deep"
                + (outerLevels > 0 ? " (counting the session's own map)" : "")
                + "; does a list or map contain itself?");
    }

    private static IllegalArgumentException badKey(String prefix, Frame[] stack, int mapDepth, Object key) {
        String where = mapDepth == 0 ? "map key" : "map key in " + path(stack, mapDepth);
        String what = key == null ? "is null" : "is a " + key.getClass().getTypeName();
        return new IllegalArgumentException(prefix + where + " " + what + " (keys must be Strings); " + ALLOWED);
    }

    /** The path to the current position of the first {@code depth} frames: {@code cart[2].price}. */
    private static String path(Frame[] stack, int depth) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            Frame f = stack[i];
            if (f.map) {
                if (isPlainKey(f.key)) {
                    if (sb.length() > 0) {
                        sb.append('.');
                    }
                    sb.append(f.key);
                } else {
                    sb.append('[').append(quote(f.key)).append(']');
                }
            } else {
                sb.append('[').append(f.index).append(']');
            }
        }
        if (sb.length() > MAX_PATH_CHARS) {
            return "..." + sb.substring(sb.length() - MAX_PATH_CHARS);
        }
        return sb.toString();
    }

    private static boolean isPlainKey(String key) {
        if (key.isEmpty() || key.length() > MAX_KEY_CHARS) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** One open list or map and the position reached in it. */
    private static final class Frame {
        final boolean map;
        final Iterator<?> it;
        String key;
        int index = -1;

        Frame(boolean map, Iterator<?> it) {
            this.map = map;
            this.it = it;
        }
    }
}
