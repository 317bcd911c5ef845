package dev.satchel.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class JsonValuesTest {
    private static final String ALLOWED =
            "sessions hold only JSON values (String, Long/Integer/BigInteger, Double, Boolean, null, List, Map with"
                    + " String keys)";
    private static final JsonSerializer JSON = JsonSerializer.create();

    @Test
    void scalarsBecomeCanonical() {
        assertEquals(Long.valueOf(7), JsonValues.canonicalize("k", 7));
        assertEquals(Long.valueOf(-7), JsonValues.canonicalize("k", (short) -7));
        assertEquals(Long.valueOf(127), JsonValues.canonicalize("k", (byte) 127));
        assertEquals(Long.valueOf(Long.MAX_VALUE), JsonValues.canonicalize("k", Long.MAX_VALUE));
        assertInstanceOf(Long.class, JsonValues.canonicalize("k", BigInteger.valueOf(Long.MIN_VALUE)));
        assertEquals(Long.MIN_VALUE, JsonValues.canonicalize("k", BigInteger.valueOf(Long.MIN_VALUE)));
        BigInteger beyond = BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE);
        assertEquals(beyond, JsonValues.canonicalize("k", beyond));
        BigInteger below = BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.ONE);
        assertEquals(below, JsonValues.canonicalize("k", below));
        assertEquals(Double.valueOf(0.5), JsonValues.canonicalize("k", 0.5f));
        assertEquals(Double.valueOf((double) 0.1f), JsonValues.canonicalize("k", 0.1f));
        assertEquals(Double.valueOf(Double.NaN), JsonValues.canonicalize("k", Float.NaN));
        assertEquals(Double.valueOf(-0.0), JsonValues.canonicalize("k", -0.0));
        String s = new String("text");
        assertSame(s, JsonValues.canonicalize("k", s));
        assertSame(Boolean.TRUE, JsonValues.canonicalize("k", true));
        assertNull(JsonValues.canonicalize("k", null));
    }

    @Test
    void containersAreDeepCopies() {
        List<Object> inner = new ArrayList<>(List.of(1, 2));
        Map<String, Object> original = new LinkedHashMap<>();
        original.put("z", inner);
        original.put("a", Map.of("n", (short) 3));
        original.put("m", Arrays.asList(1.5f, null, "x"));

        Object copy = JsonValues.canonicalize("k", original);
        assertInstanceOf(LinkedHashMap.class, copy);
        Map<?, ?> m = (Map<?, ?>) copy;
        assertNotSame(original, m);
        assertEquals(List.of("z", "a", "m"), new ArrayList<>(m.keySet()));
        assertInstanceOf(ArrayList.class, m.get("z"));
        assertEquals(List.of(1L, 2L), m.get("z"));
        assertEquals(Map.of("n", 3L), m.get("a"));
        assertInstanceOf(LinkedHashMap.class, m.get("a"));
        assertEquals(Arrays.asList(1.5, null, "x"), m.get("m"));

        inner.add(3);
        assertEquals(List.of(1L, 2L), m.get("z"), "later changes to the original do not leak into the copy");
        uncheckedList(m.get("z")).add(9L);
        assertEquals(List.of(1L, 2L, 9L), m.get("z"), "the copy is mutable");
        assertEquals(List.of(1, 2, 3), inner, "and changing it leaves the original alone");
    }

    @Test
    void keyOrderOfSortedMapsIsKept() {
        Map<String, Object> sorted = new TreeMap<>(Map.of("b", 1, "a", 2, "c", 3));
        Map<?, ?> copy = (Map<?, ?>) JsonValues.canonicalize("k", sorted);
        assertEquals(List.of("a", "b", "c"), new ArrayList<>(copy.keySet()));
    }

    @Test
    void refusedValuesNameTheKeyAndPath() {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("sku", "A-1");
        item.put("price", new BigDecimal("9.99"));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> JsonValues.canonicalize("cart", List.of("x", "y", item)));
        assertEquals("session key \"cart\": value at [2].price is a java.math.BigDecimal; " + ALLOWED, e.getMessage());

        assertRefused("when", Instant.EPOCH, "session key \"when\": value is a java.time.Instant");
        assertRefused("c", 'c', "session key \"c\": value is a java.lang.Character");
        assertRefused("o", Optional.empty(), "session key \"o\": value is a java.util.Optional");
        assertRefused("a", new long[0], "session key \"a\": value is a long[]");
        assertRefused("s", Set.of(1), "session key \"s\": value is a java.util.ImmutableCollections$Set12");
        assertRefused(
                "m",
                Map.of("x", List.of(Map.of(2, "two"))),
                "session key \"m\": map key in x[0] is a java.lang.Integer (keys must be Strings)");
        assertRefused(
                "q\"", Map.of("a b", new Object()), "session key \"q\\\"\": value at [\"a b\"] is a java.lang.Object");
    }

    @Test
    void depthLimitCountsTheSessionMap() {
        assertEquals(1000, JsonValues.MAX_DEPTH);
        Object ok = JsonValues.canonicalize("deep", nestedLists(999));
        // The session map plus 999 levels is what the serializer accepts by default.
        Map<String, Object> session = Map.of("deep", ok);
        assertEquals(session, JSON.deserialize(JSON.serialize(session)));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> JsonValues.canonicalize("deep", nestedLists(1000)));
        assertTrue(
                e.getMessage().startsWith("session key \"deep\": value nests lists and maps more than 1000"),
                e.getMessage());
        List<Object> self = new ArrayList<>();
        self.add(self);
        assertThrows(IllegalArgumentException.class, () -> JsonValues.canonicalize("self", self));
        assertThrows(IllegalArgumentException.class, () -> JsonValues.canonicalize("deeper", nestedLists(300_000)));
    }

    @Test
    void whatIsPutIsWhatIsReadBack() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("b", (byte) 1);
        nested.put("list", List.of(1, 2.5f, "s", List.of(), Map.of()));
        List<Object> values = Arrays.asList(
                1,
                (short) 2,
                3L,
                BigInteger.TWO.pow(70),
                BigInteger.TEN,
                1.25f,
                0.1,
                -0.0,
                Double.NaN,
                Double.NEGATIVE_INFINITY,
                "\u00e9\ud83d\ude00\ud800",
                true,
                null,
                nested,
                List.of(List.of(List.of())));
        for (Object value : values) {
            Object canonical = JsonValues.canonicalize("k", value);
            Map<String, Object> session = new LinkedHashMap<>();
            session.put("k", canonical);
            Object back = ((Map<?, ?>) JSON.deserialize(JSON.serialize(session))).get("k");
            assertEquals(canonical, back, String.valueOf(value));
        }
    }

    private static void assertRefused(String key, Object value, String messageStart) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> JsonValues.canonicalize(key, value));
        assertEquals(messageStart + "; " + ALLOWED, e.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static List<Object> uncheckedList(Object o) {
        return (List<Object>) o;
    }

    private static Object nestedLists(int depth) {
        List<Object> root = new ArrayList<>();
        List<Object> current = root;
        for (int i = 1; i < depth; i++) {
            List<Object> child = new ArrayList<>();
            current.add(child);
            current = child;
        }
        return root;
    }
}
