package dev.satchel.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.satchel.MalformedPayloadException;
import dev.satchel.internal.JsonModel;
import dev.satchel.testing.FuzzData;
import dev.satchel.testing.Fuzzing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Python-exact JSON reader on any bytes: a value of the session model or {@link
 * MalformedPayloadException}, never another exception; Jackson's fast byte parser (taken for ASCII
 * input) and the general latin-1 reader give the same answer; what it reads writes back to bytes
 * that read back to the same value, and what the writer writes reads back as the value written.
 * {@link JsonModel} and {@link JsonValues} accept exactly the model and refuse anything else with
 * {@link IllegalArgumentException}. Committed inputs: a flags byte, then Django's {@code json_text}
 * ({@code serializer.json}, {@code signing.json}).
 */
class JsonSerializerFuzzTest {
    private static final JsonSerializer DEFAULT = JsonSerializer.create();
    private static final JsonSerializer STRICT =
            JsonSerializer.builder().rejectDuplicateKeys(true).build();
    private static final JsonSerializer SMALL = JsonSerializer.builder()
            .maxDepth(5)
            .maxNumberLength(20)
            .maxStringLength(50)
            .build();

    @BeforeAll
    static void setUp() {
        Fuzzing.setUp();
    }

    /** Input: one flags byte (bits 0-1: default, duplicate keys refused, small limits), then JSON. */
    @FuzzTest
    void deserialize_readsAValueOrRefusesIt(byte[] input) {
        FuzzData data = new FuzzData(input);
        JsonSerializer serializer = pick(data.nextByte());
        byte[] json = data.rest();

        Object value = read(serializer, json);
        boolean ascii = isAscii(json);
        if (ascii) {
            assertEquals(value, readThroughReader(serializer, json), "byte parser and latin-1 reader disagree");
        }
        if (value == REFUSED) {
            return;
        }
        // Whatever is read is within the model and the limits, and is a fixed point of write-read.
        JsonModel.walk(value, JsonSerializer.DEFAULT_MAX_DEPTH, 0, "", NO_OP);
        byte[] written = serializer.serialize(value);
        assertTrue(isAscii(written), "the writer wrote non-ASCII");
        assertEquals(value, read(serializer, written), "write-read changed the value");
        assertArrayEquals(written, serializer.serialize(read(serializer, written)), "not a fixed point");
    }

    /** Any value of the model written and read back is the value in its canonical form. */
    @FuzzTest
    void serializeThenDeserialize_isTheIdentity(byte[] input) {
        FuzzData data = new FuzzData(input);
        Object value = data.jsonValue(8);
        byte[] written = DEFAULT.serialize(value);
        assertTrue(isAscii(written), "the writer wrote non-ASCII");
        Object expected = FuzzData.canonical(value);
        assertEquals(expected, DEFAULT.deserialize(written));
        assertEquals(expected, DEFAULT.deserializeThroughReader(written));
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("k", value);
        assertEquals(expected, ((Map<?, ?>) DEFAULT.deserialize(DEFAULT.serialize(session))).get("k"));
    }

    /**
     * Any object graph (foreign types, non-String keys, containers holding themselves): the writer
     * and {@link JsonValues#canonicalize} either both accept it, giving its canonical form, or both
     * refuse it with {@link IllegalArgumentException}.
     */
    @FuzzTest
    void modelCheck_acceptsTheModelAndRefusesEverythingElse(byte[] input) {
        FuzzData data = new FuzzData(input);
        Object value = graph(data, 6, new ArrayList<>());
        boolean inModel = inModel(value, new IdentityHashMap<>());
        byte[] written;
        try {
            written = DEFAULT.serialize(value);
        } catch (IllegalArgumentException e) {
            assertTrue(!inModel, "refused a value of the model: " + e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> JsonValues.canonicalize("k", value));
            return;
        }
        if (!inModel) {
            fail("wrote a value outside the model");
        }
        Object expected = FuzzData.canonical(value);
        assertEquals(expected, JsonValues.canonicalize("k", value));
        assertEquals(expected, DEFAULT.deserialize(written));
    }

    private static final Object REFUSED = new Object() {
        @Override
        public String toString() {
            return "<refused>";
        }
    };

    private static Object read(JsonSerializer serializer, byte[] json) {
        try {
            return serializer.deserialize(json);
        } catch (MalformedPayloadException e) {
            return REFUSED;
        }
    }

    private static Object readThroughReader(JsonSerializer serializer, byte[] json) {
        try {
            return serializer.deserializeThroughReader(json);
        } catch (MalformedPayloadException e) {
            return REFUSED;
        }
    }

    private static JsonSerializer pick(int flags) {
        switch (flags & 3) {
            case 1:
                return STRICT;
            case 2:
                return SMALL;
            default:
                return DEFAULT;
        }
    }

    /**
     * Whether a graph is in the model, checked independently of JsonModel: the scalar types, lists,
     * maps with String keys, no container inside itself.
     */
    private static boolean inModel(Object value, IdentityHashMap<Object, Boolean> path) {
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            if (path.put(value, true) != null) {
                return false;
            }
            boolean ok = true;
            if (value instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    ok &= e.getKey() instanceof String && inModel(e.getValue(), path);
                }
            } else {
                for (Object item : (List<?>) value) {
                    ok &= inModel(item, path);
                }
            }
            path.remove(value);
            return ok;
        }
        return value == null
                || value instanceof String
                || value instanceof Boolean
                || value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte
                || value instanceof java.math.BigInteger
                || value instanceof Double
                || value instanceof Float;
    }

    /** A value of the model with, now and then, something outside it. */
    private static Object graph(FuzzData data, int depth, List<Object> open) {
        int kind = data.nextByte();
        if (kind >= 0xf0) {
            switch (kind & 7) {
                case 0:
                    return new Object();
                case 1:
                    return 'c';
                case 2:
                    return new int[] {1};
                case 3:
                    Map<Object, Object> intKey = new HashMap<>();
                    intKey.put(1, "v");
                    return intKey;
                case 4:
                    Map<Object, Object> nullKey = new HashMap<>();
                    nullKey.put(null, "v");
                    return nullKey;
                case 5:
                    return java.math.BigDecimal.ONE;
                default:
                    if (!open.isEmpty()) {
                        return open.get(data.nextInt(open.size())); // a container inside itself
                    }
                    return new StringBuilder("x");
            }
        }
        if (kind < 0x40 && depth > 0) {
            int n = data.nextInt(5);
            if ((kind & 1) == 0) {
                Map<String, Object> map = new LinkedHashMap<>();
                open.add(map);
                for (int i = 0; i < n; i++) {
                    map.put(data.nextString(16), graph(data, depth - 1, open));
                }
                open.remove(open.size() - 1);
                return map;
            }
            List<Object> list = new ArrayList<>();
            open.add(list);
            for (int i = 0; i < n; i++) {
                list.add(graph(data, depth - 1, open));
            }
            open.remove(open.size() - 1);
            return list;
        }
        return data.jsonValue(0);
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static final JsonModel.Visitor<RuntimeException> NO_OP = new JsonModel.Visitor<>() {
        @Override
        public void startMap(int size) {}

        @Override
        public void key(String key) {}

        @Override
        public void endMap() {}

        @Override
        public void startList(int size) {}

        @Override
        public void endList() {}

        @Override
        public void scalar(Object value) {}
    };
}
