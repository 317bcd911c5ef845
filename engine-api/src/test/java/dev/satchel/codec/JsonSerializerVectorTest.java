package dev.satchel.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satchel.MalformedPayloadException;
import dev.satchel.testing.DeliberateDifferences;
import dev.satchel.testing.DjangoVectors;
import dev.satchel.testing.PythonLiteral;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Checks {@link JsonSerializer} against every case of {@code serializer.json}: the exact bytes Django's
 * {@code JSONSerializer} wrote, what it gives after a decode and encode again, and how it read foreign
 * bytes.
 */
class JsonSerializerVectorTest {
    private static final JsonSerializer JSON = JsonSerializer.create();
    private static final JsonNode VECTORS = DjangoVectors.load("serializer.json");

    /**
     * The same file read with doubles for floats: the vector reader's BigDecimal cannot keep the sign of
     * {@code -0.0}, which the float cases contain.
     */
    private static final JsonNode VECTORS_WITH_DOUBLES = readWithDoubles();

    private static final Set<String> RAN_CASES = ConcurrentHashMap.newKeySet();
    private static final Set<String> RAN_FOREIGN = ConcurrentHashMap.newKeySet();
    private static final Set<String> REFUSED = ConcurrentHashMap.newKeySet();

    @TestFactory
    Stream<DynamicTest> cases() {
        JsonNode cases = VECTORS.get("cases");
        JsonNode withDoubles = VECTORS_WITH_DOUBLES.get("cases");
        assertTrue(cases.size() > 0, "no cases in serializer.json from " + DjangoVectors.source());
        assertEquals(cases.size(), withDoubles.size());
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            JsonNode c = cases.get(i);
            JsonNode payload = withDoubles.get(i).get("payload");
            assertEquals(c.get("id").asText(), withDoubles.get(i).get("id").asText());
            tests.add(DynamicTest.dynamicTest(c.get("id").asText(), () -> checkCase(c, payload)));
        }
        assertEquals(cases.size(), tests.size());
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> foreignInput() {
        JsonNode cases = VECTORS.get("foreign_input");
        assertTrue(cases.size() > 0, "no foreign_input in serializer.json from " + DjangoVectors.source());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) {
            tests.add(DynamicTest.dynamicTest(c.get("id").asText(), () -> checkForeign(c)));
        }
        assertEquals(cases.size(), tests.size());
        return tests.stream();
    }

    @AfterAll
    static void everyVectorRan() {
        assertEquals(VECTORS.get("cases").size(), RAN_CASES.size(), "cases run: " + RAN_CASES);
        assertEquals(VECTORS.get("foreign_input").size(), RAN_FOREIGN.size(), "foreign inputs run: " + RAN_FOREIGN);
        System.out.println("serializer.json: " + RAN_CASES.size() + " cases, " + RAN_FOREIGN.size()
                + " foreign inputs from " + DjangoVectors.source() + "; refused on purpose ("
                + DeliberateDifferences.NON_STRING_KEYS_REFUSED.name() + "): " + REFUSED);
    }

    private static void checkCase(JsonNode c, JsonNode payloadWithDoubles) {
        String id = c.get("id").asText();
        RAN_CASES.add(id);
        byte[] expected = latin1(c.get("json_text").asText());
        assertEquals(c.get("json_length").asInt(), expected.length, "json_length");
        JsonNode hex = c.get("json_bytes_hex");
        if (hex != null && !hex.isNull()) {
            assertArrayEquals(HexFormat.of().parseHex(hex.asText()), expected, "json_bytes_hex");
        }

        boolean representable = !c.path("payload_not_representable").asBoolean(false);
        if (representable) {
            Object value = toJava(payloadWithDoubles);
            assertBytes(expected, JSON.serialize(value), id + ": serialize(payload)");
            // What a session stores: the canonical copy writes the same bytes and reads back equal.
            Object canonical = JsonValues.canonicalize("v", value);
            assertBytes(expected, JSON.serialize(canonical), id + ": serialize(canonicalize(payload))");
            if (c.get("roundtrip_identical").asBoolean()) {
                assertEquals(canonical, JSON.deserialize(expected), id + ": deserialize(json_text)");
            }
        }
        // Every payload again as payload_python describes it (the only form of NaN, infinities, tuples
        // and non-string keys): Satchel writes Django's bytes, or refuses the value where it differs on purpose.
        Object fromPython = PythonLiteral.parse(c.get("payload_python").asText());
        if (hasNonStringKey(fromPython)) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> JSON.serialize(fromPython),
                    id + ": " + DeliberateDifferences.NON_STRING_KEYS_REFUSED);
            REFUSED.add(id);
        } else {
            assertBytes(expected, JSON.serialize(fromPython), id + ": serialize(payload_python)");
        }

        byte[] again = JSON.serialize(JSON.deserialize(expected));
        assertBytes(latin1(c.get("decoded_json_text").asText()), again, id + ": decoded_json_text");
        assertEquals(c.get("roundtrip_identical").asBoolean(), java.util.Arrays.equals(expected, again), id);
        assertEquals(c.get("is_ascii_only").asBoolean(), isAscii(expected), id + ": is_ascii_only");
    }

    private static void checkForeign(JsonNode c) {
        String id = c.get("id").asText();
        RAN_FOREIGN.add(id);
        byte[] input = HexFormat.of().parseHex(c.get("input_bytes_hex").asText());
        String outcome = c.get("outcome").asText();
        if (outcome.equals("ok")) {
            Object value = JSON.deserialize(input);
            assertBytes(latin1(c.get("result_json_text").asText()), JSON.serialize(value), id);
        } else if (outcome.equals("error")) {
            assertThrows(MalformedPayloadException.class, () -> JSON.deserialize(input), id);
        } else {
            fail(id + ": unknown outcome " + outcome);
        }
    }

    private static boolean hasNonStringKey(Object value) {
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String) || hasNonStringKey(e.getValue())) {
                    return true;
                }
            }
        } else if (value instanceof List<?> l) {
            for (Object o : l) {
                if (hasNonStringKey(o)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void assertBytes(byte[] expected, byte[] actual, String what) {
        assertEquals(
                new String(expected, StandardCharsets.ISO_8859_1),
                new String(actual, StandardCharsets.ISO_8859_1),
                what);
        assertArrayEquals(expected, actual, what);
    }

    /** Vector payload to the Java value a user would store: Long/BigInteger, Double, LinkedHashMap, ArrayList. */
    static Object toJava(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            node.properties().forEach(e -> m.put(e.getKey(), toJava(e.getValue())));
            return m;
        }
        if (node.isArray()) {
            List<Object> l = new ArrayList<>();
            node.forEach(n -> l.add(toJava(n)));
            return l;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            BigInteger big = node.bigIntegerValue();
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        if (node.isFloatingPointNumber()) {
            return node.doubleValue();
        }
        throw new AssertionError("unexpected node " + node.getNodeType());
    }

    private static byte[] latin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                throw new AssertionError("not latin-1 text: " + s);
            }
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode readWithDoubles() {
        try (InputStream in = DjangoVectors.open("serializer.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
