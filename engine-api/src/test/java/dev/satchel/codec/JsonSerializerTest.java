package dev.satchel.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.MalformedPayloadException;
import dev.satchel.internal.PythonFloatFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonSerializerTest {
    private static final JsonSerializer JSON = JsonSerializer.create();
    private static final Duration HANG_GUARD = Duration.ofSeconds(10);
    private static final String ALLOWED =
            "sessions hold only JSON values (String, Long/Integer/BigInteger, Double, Boolean, null, List, Map with"
                    + " String keys)";

    // ----------------------------------------------------------------------------------------- basics

    @Test
    void nameAndSharedDefault() {
        assertEquals("json", JSON.name());
        assertSame(JsonSerializer.create(), JsonSerializer.create());
        assertSame(JsonSerializer.create(), JsonSerializer.builder().build());
        assertNotSame(
                JsonSerializer.create(), JsonSerializer.builder().maxDepth(10).build());
    }

    @Test
    void builderIsImmutableAndChecksArguments() {
        JsonSerializer.Builder base = JsonSerializer.builder();
        JsonSerializer.Builder shallow = base.maxDepth(2);
        assertNotSame(base, shallow);
        // The base builder is unchanged: it still allows three levels.
        assertEquals(List.of(List.of(List.of())), base.build().deserialize(ascii("[[[]]]")));
        assertThrows(MalformedPayloadException.class, () -> shallow.build().deserialize(ascii("[[[]]]")));
        assertThrows(IllegalArgumentException.class, () -> base.maxDepth(0));
        assertThrows(IllegalArgumentException.class, () -> base.maxNumberLength(0));
        assertThrows(IllegalArgumentException.class, () -> base.maxStringLength(-1));
    }

    @Test
    void compactSeparatorsAndScalars() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("t", true);
        m.put("f", false);
        m.put("n", null);
        m.put("l", Arrays.asList(1, (short) 2, (byte) 3, 4L, "x", null, List.of(), Map.of()));
        assertEquals("{\"t\":true,\"f\":false,\"n\":null,\"l\":[1,2,3,4,\"x\",null,[],{}]}", write(m));
        assertEquals("null", write(null));
        assertEquals("\"\"", write(""));
        assertEquals("-9223372036854775808", write(Long.MIN_VALUE));
        assertEquals("2147483647", write(Integer.MAX_VALUE));
    }

    // ---------------------------------------------------------------------------------------- strings

    @Test
    void escapesLikePythonEnsureAscii() {
        assertEquals("\"say \\\"hi\\\" C:\\\\x </script>\"", write("say \"hi\" C:\\x </script>"));
        assertEquals(
                "\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001b\\u001f\\u007f\"",
                write("\u0000\u0001\b\t\n\u000b\f\r\u001b\u001f\u007f"));
        assertEquals("\"\\u00e9\\u00a0\\u2028\\u2029\\uffff\\u00ff\"", write("\u00e9\u00a0\u2028\u2029\uffff\u00ff"));
        assertEquals("\" ~\"", write(" ~"));
        // Keys are escaped the same way.
        assertEquals("{\"k\\u00fcy\\n\":1}", write(Map.of("k\u00fcy\n", 1)));
    }

    @Test
    void everyUtf16UnitIsEscapedAsPythonDoes() {
        StringBuilder all = new StringBuilder(0x10000);
        for (int c = 0; c <= 0xffff; c++) {
            all.append((char) c);
        }
        String s = all.toString();
        byte[] out = JSON.serialize(s);
        assertEquals(pythonAsciiLiteral(s), new String(out, StandardCharsets.ISO_8859_1));
        for (byte b : out) {
            assertTrue(b >= 0x20 && b <= 0x7e, "only printable ASCII is written");
        }
        assertEquals(s, JSON.deserialize(out));
        // Also as a key.
        assertEquals(Map.of(s, 1L), JSON.deserialize(JSON.serialize(Map.of(s, 1))));
    }

    @Test
    void nonBmpTextIsWrittenAsSurrogatePairs() {
        String text = "Zo\u00eb \ud83d\ude00 \ud835\udc00";
        assertEquals("\"Zo\\u00eb \\ud83d\\ude00 \\ud835\\udc00\"", write(text));
        assertEquals(text, JSON.deserialize(JSON.serialize(text)));
        assertEquals("\ud83d\ude00", JSON.deserialize(ascii("\"\\uD83D\\uDE00\"")));
    }

    @Test
    void loneSurrogatesRoundTrip() {
        for (String s : List.of("a\ud800b", "\udc00", "x\ud83d", "\ude00\ud83d", "\udfff\ud800")) {
            byte[] out = JSON.serialize(s);
            assertEquals(pythonAsciiLiteral(s), new String(out, StandardCharsets.ISO_8859_1));
            assertEquals(s, JSON.deserialize(out));
        }
        assertEquals("a\ud800b", JSON.deserialize(ascii("\"a\\ud800b\"")));
        assertEquals(1, ((String) JSON.deserialize(ascii("\"\\udfff\""))).length());
    }

    @Test
    void bytesAreReadAsLatin1() {
        // Raw UTF-8 turns into mojibake, exactly like Django's bytes.decode('latin-1').
        byte[] utf8 = "\"Zo\u00eb\"".getBytes(StandardCharsets.UTF_8);
        assertEquals("Zo\u00c3\u00ab", JSON.deserialize(utf8));
        assertEquals("caf\u00e9", JSON.deserialize(new byte[] {'"', 'c', 'a', 'f', (byte) 0xe9, '"'}));
        assertEquals("\u007f\u0080\u00ff", JSON.deserialize(new byte[] {'"', 0x7f, (byte) 0x80, (byte) 0xff, '"'}));
        assertEquals(List.of(1L, 2L), JSON.deserialize(ascii(" \t\r\n[ 1 ,\n2 ]\r\n ")));
    }

    // ---------------------------------------------------------------------------------------- numbers

    @Test
    void integersOfAnySize() {
        BigInteger twoTo64 = BigInteger.TWO.pow(64);
        assertEquals("18446744073709551616", write(twoTo64));
        assertEquals(
                "-9223372036854775809", write(BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.ONE)));
        assertEquals("5", write(BigInteger.valueOf(5)));
        String googol = "1" + "0".repeat(100);
        assertEquals(googol, write(new BigInteger(googol)));

        assertEquals(Long.MAX_VALUE, JSON.deserialize(ascii("9223372036854775807")));
        assertEquals(Long.MIN_VALUE, JSON.deserialize(ascii("-9223372036854775808")));
        assertEquals(new BigInteger("9223372036854775808"), JSON.deserialize(ascii("9223372036854775808")));
        assertEquals(new BigInteger("-9223372036854775809"), JSON.deserialize(ascii("-9223372036854775809")));
        assertEquals(new BigInteger(googol), JSON.deserialize(ascii(googol)));
        assertEquals(0L, JSON.deserialize(ascii("-0")));
        assertInstanceOf(Long.class, JSON.deserialize(ascii("7")));
    }

    @Test
    void floatsUsePythonRepr() {
        assertEquals(
                "[0.1,1.0,-0.0,0.0,1e+16,1000000000000000.0,0.0001,1e-05,1.5e+300,5e-324,2.5]",
                write(List.of(0.1, 1.0, -0.0, 0.0, 1e16, 1e15, 0.0001, 1e-5, 1.5e300, Double.MIN_VALUE, 2.5)));
        assertEquals(
                "[NaN,Infinity,-Infinity]",
                write(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)));
        // A Float is written as the double it widens to (Python has only doubles).
        assertEquals("[0.10000000149011612,NaN,-Infinity]", write(List.of(0.1f, Float.NaN, Float.NEGATIVE_INFINITY)));
        // Java 17's Double.toString gives 2.0E-3-style layouts and sometimes extra digits.
        assertEquals("0.002", write(2e-3));
        assertEquals("1e+23", write(1e23));
        assertEquals("2e+23", write(2e23));
        assertEquals("1.2345678901234568e+17", write(123456789012345678.0));
    }

    @Test
    void floatTokensRead() {
        assertEquals(-0.0, (Double) JSON.deserialize(ascii("-0.0")), 0.0);
        assertEquals(
                Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) JSON.deserialize(ascii("-0.0"))));
        assertEquals(100.0, JSON.deserialize(ascii("1e2")));
        assertEquals(100.0, JSON.deserialize(ascii("1E+2")));
        assertEquals(1.0, JSON.deserialize(ascii("1.0")));
        assertEquals(Double.POSITIVE_INFINITY, JSON.deserialize(ascii("1e400")));
        assertEquals(Double.NEGATIVE_INFINITY, JSON.deserialize(ascii("-1e400")));
        assertEquals(0.0, JSON.deserialize(ascii("1e-400")));
        assertTrue(Double.isNaN((Double) JSON.deserialize(ascii("NaN"))));
        assertEquals(Double.POSITIVE_INFINITY, JSON.deserialize(ascii("Infinity")));
        assertEquals(List.of(Double.NEGATIVE_INFINITY), JSON.deserialize(ascii("[-Infinity]")));
        // Python reads float literals of any length.
        assertEquals(1.0, JSON.deserialize(ascii("1." + "0".repeat(10_000))));
        assertEquals(0.1, JSON.deserialize(ascii("0.1" + "0".repeat(5000) + "1")));
    }

    /** Every line of python-float-repr.txt: CPython's repr of one double. */
    @TestFactory
    Stream<DynamicTest> pythonFloatReprTable() throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = JsonSerializerTest.class.getResourceAsStream("/python-float-repr.txt");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    rows.add(line.split(" "));
                }
            }
        }
        assertTrue(rows.size() >= 2000, "table has " + rows.size() + " rows");
        return rows.stream()
                .map(row -> DynamicTest.dynamicTest(row[0] + " " + row[1], () -> {
                    double d = Double.longBitsToDouble(Long.parseUnsignedLong(row[0], 16));
                    String repr = row[1];
                    assertEquals(repr, PythonFloatFormat.repr(d));
                    String token =
                            switch (repr) {
                                case "nan" -> "NaN";
                                case "inf" -> "Infinity";
                                case "-inf" -> "-Infinity";
                                default -> repr;
                            };
                    assertEquals(token, write(d));
                    Double back = (Double) JSON.deserialize(ascii(token));
                    if (!Double.isNaN(d)) {
                        assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(back));
                    } else {
                        assertTrue(back.isNaN());
                    }
                }));
    }

    @Test
    void randomDoublesReadBackExactly() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (!Double.isFinite(d)) {
                continue;
            }
            String s = PythonFloatFormat.repr(d);
            assertEquals(d, Double.parseDouble(s), s);
            // No shorter decimal reads back: dropping the last digit (rounded either way) fails.
            String digits = new BigDecimal(s).abs().unscaledValue().toString().replaceAll("0+$", "");
            if (digits.length() > 1) {
                BigDecimal exact = new BigDecimal(s);
                java.math.MathContext shorter =
                        new java.math.MathContext(digits.length() - 1, java.math.RoundingMode.FLOOR);
                java.math.MathContext shorterUp =
                        new java.math.MathContext(digits.length() - 1, java.math.RoundingMode.CEILING);
                assertTrue(
                        exact.round(shorter).doubleValue() != d
                                && exact.round(shorterUp).doubleValue() != d,
                        "a shorter repr exists for " + s);
            }
        }
    }

    // ------------------------------------------------------------------------------------ containers

    @Test
    void mapKeysKeepInsertionOrder() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : List.of("zeta", "alpha", "Mid", "", "10", "9")) {
            m.put(k, k.length());
        }
        String text = "{\"zeta\":4,\"alpha\":5,\"Mid\":3,\"\":0,\"10\":2,\"9\":1}";
        assertEquals(text, write(m));
        Object back = JSON.deserialize(ascii(text));
        assertInstanceOf(LinkedHashMap.class, back);
        assertEquals(List.of("zeta", "alpha", "Mid", "", "10", "9"), new ArrayList<>(((Map<?, ?>) back).keySet()));
        assertInstanceOf(ArrayList.class, JSON.deserialize(ascii("[]")));
    }

    @Test
    void duplicateKeysKeepFirstPositionAndLastValue() {
        Map<?, ?> m = (Map<?, ?>) JSON.deserialize(ascii("{\"a\":1,\"b\":2,\"a\":{\"x\":[]},\"c\":3,\"b\":null}"));
        assertEquals(List.of("a", "b", "c"), new ArrayList<>(m.keySet()));
        assertEquals(Map.of("x", List.of()), m.get("a"));
        assertTrue(m.containsKey("b"));
        assertNull(m.get("b"));
        assertEquals("{\"a\":{\"x\":[]},\"b\":null,\"c\":3}", write(m));
    }

    @Test
    void refusedTypesNameThePath() {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("sku", "A-1");
        item.put("price", new BigDecimal("9.99"));
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("cart", List.of("x", "y", item));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JSON.serialize(session));
        assertEquals("value at cart[2].price is a java.math.BigDecimal; " + ALLOWED, e.getMessage());

        assertRefused(Map.of("c", 'c'), "value at c is a java.lang.Character");
        assertRefused(Map.of("o", Optional.of(1)), "value at o is a java.util.Optional");
        assertRefused(Map.of("when", Instant.EPOCH), "value at when is a java.time.Instant");
        assertRefused(Map.of("a", new int[] {1}), "value at a is a int[]");
        assertRefused(Map.of("a", new String[] {"x"}), "value at a is a java.lang.String[]");
        assertRefused(Map.of("n", new AtomicLong(1)), "value at n is a java.util.concurrent.atomic.AtomicLong");
        assertRefused(Map.of("sb", new StringBuilder("x")), "value at sb is a java.lang.StringBuilder");
        assertRefused(Map.of("odd key", List.of(new Object())), "value at [\"odd key\"][0] is a java.lang.Object");
        assertRefused(new BigDecimal("1.5"), "value is a java.math.BigDecimal");
        assertRefused(Map.of("m", Map.of(1, "one")), "map key in m is a java.lang.Integer (keys must be Strings)");
        Map<Object, Object> nullKey = new LinkedHashMap<>();
        nullKey.put(null, 1);
        assertRefused(nullKey, "map key is null (keys must be Strings)");
    }

    @Test
    void nestingBeyondTheLimitIsRefusedWhenWriting() {
        assertEquals(1000, JsonSerializer.DEFAULT_MAX_DEPTH);
        assertEquals(2000, write(nestedLists(1000)).length());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> JSON.serialize(nestedLists(1001)));
        assertTrue(e.getMessage().contains("more than 1000 levels"), e.getMessage());
        // Far deeper and self-containing values: refused, never a StackOverflowError.
        assertThrows(IllegalArgumentException.class, () -> JSON.serialize(nestedLists(200_000)));
        List<Object> self = new ArrayList<>();
        self.add(self);
        assertThrows(IllegalArgumentException.class, () -> JSON.serialize(self));
        Map<String, Object> selfMap = new LinkedHashMap<>();
        selfMap.put("me", selfMap);
        assertThrows(IllegalArgumentException.class, () -> JSON.serialize(selfMap));
        JsonSerializer shallow = JsonSerializer.builder().maxDepth(2).build();
        assertEquals("[[]]", new String(shallow.serialize(nestedLists(2)), StandardCharsets.US_ASCII));
        assertThrows(IllegalArgumentException.class, () -> shallow.serialize(nestedLists(3)));
    }

    @Test
    void deepNestingWithinAHighLimitWorks() {
        JsonSerializer deep = JsonSerializer.builder().maxDepth(100_000).build();
        Object value = nestedLists(100_000);
        byte[] out = assertTimeoutPreemptively(HANG_GUARD, () -> deep.serialize(value));
        assertEquals(200_000, out.length);
        Object back = assertTimeoutPreemptively(HANG_GUARD, () -> deep.deserialize(out));
        int depth = 0;
        for (Object v = back; v instanceof List<?> l; v = l.isEmpty() ? null : l.get(0)) {
            depth++;
        }
        assertEquals(100_000, depth);
    }

    // ------------------------------------------------------------------------------- reading limits

    @Test
    void depthLimitWhenReading() {
        assertEquals(nestedLists(1000), JSON.deserialize(ascii("[".repeat(1000) + "]".repeat(1000))));
        assertMalformed(ascii("[".repeat(1001) + "]".repeat(1001)));
        assertMalformed(ascii("{\"a\":".repeat(1001) + "1" + "}".repeat(1001)));
        JsonSerializer three = JsonSerializer.builder().maxDepth(3).build();
        assertEquals(List.of(List.of(List.of(1L))), three.deserialize(ascii("[[[1]]]")));
        assertThrows(MalformedPayloadException.class, () -> three.deserialize(ascii("[[[[1]]]]")));
    }

    @Test
    void integerDigitLimitIsPythons() {
        assertEquals(4300, JsonSerializer.DEFAULT_MAX_NUMBER_LENGTH);
        String max = "9".repeat(4300);
        assertEquals(new BigInteger(max), JSON.deserialize(ascii(max)));
        assertEquals(new BigInteger("-" + max), JSON.deserialize(ascii("-" + max)));
        MalformedPayloadException e = assertMalformed(ascii("1".repeat(4301)));
        assertTrue(e.getMessage().contains("4301 digits"), e.getMessage());
        assertMalformed(ascii("[-" + "1".repeat(4301) + "]"));
        JsonSerializer five = JsonSerializer.builder().maxNumberLength(5).build();
        assertEquals(99999L, five.deserialize(ascii("99999")));
        assertEquals(-99999L, five.deserialize(ascii("-99999")));
        assertThrows(MalformedPayloadException.class, () -> five.deserialize(ascii("100000")));
    }

    @Test
    void stringLengthLimit() {
        assertEquals(1 << 20, JsonSerializer.DEFAULT_MAX_STRING_LENGTH);
        String max = "x".repeat(1 << 20);
        assertEquals(max, JSON.deserialize(JSON.serialize(max)));
        assertMalformed(JSON.serialize(max + "x"));
        assertMalformed(JSON.serialize(Map.of(max + "x", 1)));
        // Escapes count as the chars they stand for.
        assertEquals(
                max.length(), ((String) JSON.deserialize(ascii("\"" + "\\u0041".repeat(1 << 20) + "\""))).length());
        JsonSerializer four = JsonSerializer.builder().maxStringLength(4).build();
        assertEquals(Map.of("abcd", "wxyz"), four.deserialize(ascii("{\"abcd\":\"wxyz\"}")));
        assertThrows(MalformedPayloadException.class, () -> four.deserialize(ascii("\"abcde\"")));
        assertThrows(MalformedPayloadException.class, () -> four.deserialize(ascii("{\"abcde\":1}")));
    }

    // ------------------------------------------------------------------------------------ bad input

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "\t\r\n ",
                "]",
                "}",
                "[",
                "{",
                "[1",
                "[1,",
                "{\"a\"",
                "{\"a\":",
                "{\"a\":1",
                "[1,]",
                "[,1]",
                "{\"a\":1,}",
                "{a:1}",
                "{'a':1}",
                "'x'",
                "\"abc",
                "tru",
                "truex",
                "nul",
                "True",
                "None",
                "nan",
                "inf",
                "-INF",
                "+INF",
                "+Infinity",
                "INF",
                "-NaN",
                "Infinity1",
                "01",
                "-01",
                "1.",
                ".5",
                "+1",
                "-",
                "1e",
                "1e+",
                "0x10",
                "1 2",
                "[] []",
                "{}}",
                "[]]",
                "{} x",
                "1x",
                "/* c */ 1",
                "// c\n1",
                "# c\n1",
                "\"\\x\"",
                "\"\\u12\"",
                "\"\\u12G4\"",
                "\"\\'\"",
                "\"a\nb\"",
                "\"a\tb\"",
                "\"\u0000\"",
                "\u000c1",
                "\u000b1",
                "1\u000c",
                "\u00a01",
                "\u00ef\u00bb\u00bf{}",
                "[1;2]",
                "{\"a\" 1}",
                "{\"a\":1 \"b\":2}",
                "[\"a\" \"b\"]",
                "{1:2}",
                "{null:2}"
            })
    void invalidJsonIsMalformed(String text) {
        assertMalformed(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void hostileInputFailsFast() {
        assertMalformed(ascii("[".repeat(100_000)));
        assertMalformed(ascii("[".repeat(100_000) + "]".repeat(100_000)));
        assertMalformed(ascii("{\"a\":[".repeat(50_000)));
        assertMalformed(ascii("1".repeat(1_000_000)));
        assertMalformed(ascii("[-" + "1".repeat(1_000_000) + "]"));
        assertMalformed(ascii("\"" + "a".repeat(10_000_000) + "\""));
        assertMalformed(ascii("{\"" + "k".repeat(10_000_000) + "\":1}"));
        assertMalformed(ascii("\"" + "a".repeat(10_000_000)));
        assertMalformed(ascii("1." + "1".repeat(30_000_000)));
        // A Java-serialized object (stream magic, version, a TC_OBJECT) is just bad JSON.
        assertMalformed(new byte[] {(byte) 0xac, (byte) 0xed, 0x00, 0x05, 0x73, 0x72, 0x00, 0x11, 'j', 'a', 'v', 'a'});
        assertMalformed(new byte[] {0});
        assertMalformed(new byte[] {(byte) 0x80, (byte) 0xff});
        byte[] noise = new byte[5_000_000];
        new java.util.Random(7).nextBytes(noise);
        noise[0] = '[';
        MalformedPayloadException e = assertMalformed(noise);
        assertTrue(
                e.getMessage().length() < 1000,
                "message is short: " + e.getMessage().length());
    }

    @Test
    void messagesDoNotEchoLargeInput() {
        String big = "z".repeat(100_000);
        for (String text : List.of(big, "[" + big + "]", "{\"a\":" + big + "}", "\"" + big, "1" + big)) {
            MalformedPayloadException e = assertMalformed(ascii(text));
            assertTrue(e.getMessage().length() < 1000, e.getMessage());
        }
    }

    @Test
    void nullBytesAreRefused() {
        assertThrows(NullPointerException.class, () -> JSON.deserialize(null));
    }

    /**
     * Found by JsonSerializerFuzzTest (its input crash-fea46331...): Jackson's byte parser, given ASCII
     * bytes with a NUL among the first four, guessed UTF-16 and read {@code "\0" "6"} as 6, where
     * Python (and the latin-1 reader) refuse the NUL.
     */
    @ParameterizedTest
    @ValueSource(strings = {"\u00006", "\u0000{\u0000}", "6\u0000", "{}\u0000\u0000\u0000", "\u0000\u0000\u00006"})
    void aNulByte_isInvalidJsonAsInPython(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        assertThrows(MalformedPayloadException.class, () -> JSON.deserialize(bytes));
    }

    @Test
    void safeToShareBetweenThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("thread", (long) seed);
                        m.put("i", (long) i);
                        m.put("f", i / 7.0);
                        m.put("s", "\u00e9\ud83d\ude00" + i);
                        m.put("l", List.of((long) i, "x" + seed));
                        byte[] out = JSON.serialize(m);
                        assertEquals(m, JSON.deserialize(out));
                        assertArrayEquals(out, JSON.serialize(JSON.deserialize(out)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------------------------------- helpers

    private static void assertRefused(Object value, String messageStart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JSON.serialize(value));
        assertEquals(messageStart + "; " + ALLOWED, e.getMessage());
    }

    private static MalformedPayloadException assertMalformed(byte[] bytes) {
        return assertTimeoutPreemptively(
                HANG_GUARD, () -> assertThrows(MalformedPayloadException.class, () -> JSON.deserialize(bytes)));
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

    private static String write(Object value) {
        return new String(JSON.serialize(value), StandardCharsets.ISO_8859_1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Python's encode_basestring_ascii, written out plainly as the reference. */
    private static String pythonAsciiLiteral(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c >= 0x20 && c <= 0x7e) {
                        sb.append(c);
                    } else {
                        sb.append(String.format("\\u%04x", (int) c));
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
