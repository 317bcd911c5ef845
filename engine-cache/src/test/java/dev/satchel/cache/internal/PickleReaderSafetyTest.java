package dev.satchel.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.MalformedPayloadException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The reader is no unpickler: each opcode family outside plain data is refused by name, and every
 * limit holds. The pickles are built byte by byte, each a valid pickle Python would act on.
 */
class PickleReaderSafetyTest {
    private static final long LIMIT = 1 << 20;

    /** PROTO 4, EMPTY_DICT, MEMOIZE, SHORT_BINUNICODE "k", MEMOIZE: a dict and a key on the stack. */
    private static final String HEAD = "80 04 7d 94 8c 01 6b 94 ";

    /** Then the value, SETITEM, STOP. */
    private static final String TAIL = " 73 2e";

    private static byte[] hex(String hex) {
        String h = hex.replace(" ", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    private static String ascii(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.ISO_8859_1)) {
            sb.append(String.format("%02x ", b & 0xff));
        }
        return sb.toString();
    }

    private static MalformedPayloadException refused(byte[] pickle) {
        return assertThrows(MalformedPayloadException.class, () -> PickleReader.readDict(pickle, LIMIT));
    }

    /** One family per row: the value's opcodes (after HEAD), and the name the refusal gives. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                // c os\nsystem\n: what an attacker's pickle starts with (protocol 0)
                "GLOBAL|63 6f 73 0a 73 79 73 74 65 6d 0a",
                // "builtins" "eval" STACK_GLOBAL (protocol 4)
                "STACK_GLOBAL|8c 08 62 75 69 6c 74 69 6e 73 8c 04 65 76 61 6c 93",
                // an empty tuple and REDUCE: calling whatever is below it
                "REDUCE|29 52",
                // an empty dict and BUILD: setting state on the object below it
                "BUILD|7d 62",
                // INST os\nsystem\n (protocol 0 instance creation)
                "INST|28 69 6f 73 0a 73 79 73 74 65 6d 0a",
                // MARK, an empty tuple, OBJ
                "OBJ|28 29 6f",
                // an empty tuple twice and NEWOBJ
                "NEWOBJ|29 29 81",
                // an empty tuple, an empty dict and NEWOBJ_EX
                "NEWOBJ_EX|29 29 7d 92",
                // EXT1 code 1 (the copyreg extension registry)
                "EXT|82 01",
                "EXT|83 01 00",
                "EXT|84 01 00 00 00",
                // PERSID "x\n": the persistent_load hook
                "PERSID|50 78 0a",
                // BINPERSID of a string
                "BINPERSID|8c 01 78 51",
                // bytes, bytearray
                "bytes|43 01 78",
                "bytes|42 01 00 00 00 78",
                "bytes|8e 01 00 00 00 00 00 00 00 78",
                "bytes|96 01 00 00 00 00 00 00 00 78",
                // Python 2 str
                "Python 2 str|55 01 78",
                "Python 2 str|54 01 00 00 00 78",
                "Python 2 str|53 27 78 27 0a",
                // set, frozenset
                "set|8f",
                "set|28 4b 01 91",
                "set|8f 28 4b 01 90",
                // out-of-band buffers (protocol 5)
                "buffer|97",
                "buffer|4e 98",
                // POP, POP_MARK, DUP
                "stack manipulation|4e 30",
                "stack manipulation|28 4e 31",
                "stack manipulation|4e 32",
                // a byte that is no opcode
                "unknown (0xff)|ff",
            })
    void everyOpcodeOutsidePlainData_isRefusedByName(String family, String value) {
        MalformedPayloadException e = refused(hex(HEAD + value + TAIL));
        assertTrue(e.getMessage().contains("opcode " + family + " refused"), e.getMessage());
    }

    @Test
    void aRealPickleOfAnObject_isRefused() {
        // pickle.dumps({'k': datetime.date(2024, 1, 2)}, 4) up to the date: STACK_GLOBAL comes first.
        byte[] p = hex(HEAD + "8c 08 64 61 74 65 74 69 6d 65 94 8c 04 64 61 74 65 94 93 94 43 04 07 e8 01 02 94 85"
                + " 94 52 94" + TAIL);
        assertTrue(refused(p).getMessage().contains("STACK_GLOBAL"));
    }

    @Test
    void theTombstone_protocol0_isAnEmptyDict() {
        assertEquals(Map.of(), PickleReader.readDict(CacheStore.TOMBSTONE.getBytes(StandardCharsets.US_ASCII), LIMIT));
    }

    @Test
    void notADict_nonStringKeys_andBrokenStructure_areRefused() {
        assertTrue(refused(hex("80 04 4e 2e")).getMessage().contains("None, not a dict"));
        assertTrue(refused(hex("80 04 5d 94 2e")).getMessage().contains("list, not a dict"));
        assertTrue(refused(hex("80 04 7d 94 4b 01 4b 02 73 2e")).getMessage().contains("str keys"));
        assertTrue(refused(hex("80 04 7d 94")).getMessage().contains("without STOP"));
        assertTrue(refused(hex("80 04 7d 94 2e 2e")).getMessage().contains("after STOP"));
        assertTrue(refused(hex("80 04 7d 94 4e 2e")).getMessage().contains("2 values"));
        assertTrue(refused(hex("80 04 4e 73 2e")).getMessage().contains("underflow"));
        assertTrue(refused(hex("80 04 5d 8c 01 6b 4b 01 73 2e")).getMessage().contains("SETITEM on a list"));
        assertTrue(refused(hex("80 04 7d 29 4b 01 61 73 2e")).getMessage().contains("APPEND on a tuple"));
        assertTrue(refused(hex("80 04 7d 68 05 2e")).getMessage().contains("never PUT"));
        assertTrue(refused(hex("80 06 7d 2e")).getMessage().contains("protocol 6"));
        assertTrue(refused(hex("80 04 95 ff 00 00 00 00 00 00 00 7d 2e"))
                .getMessage()
                .contains("FRAME"));
        assertTrue(refused(hex("80 04 7d 58 ff ff ff 7f 61")).getMessage().contains("longer than the pickle"));
        assertTrue(refused(hex("80 04 7d 8c 02 c3 28 2e")).getMessage().contains("UTF-8"));
    }

    @Test
    void aContainerInsideItself_isRefused() {
        // EMPTY_LIST MEMOIZE, BINGET 0, APPEND: l = []; l.append(l) - under a dict key
        assertTrue(refused(hex(HEAD + "5d 94 68 02 61" + TAIL)).getMessage().contains("holds itself"));
        // the same through a dict: d = {}; d['k'] = d
        assertTrue(
                refused(hex("80 04 7d 94 8c 01 6b 94 68 00 73 2e")).getMessage().contains("holds itself"));
    }

    @Test
    void nestingOverTheLimit_isRefused_atTheLimitRead() {
        assertEquals(
                1,
                PickleReader.readDict(nested(PickleReader.MAX_DEPTH - 1), LIMIT).size());
        assertTrue(refused(nested(PickleReader.MAX_DEPTH)).getMessage().contains("deeper than"));
    }

    /** A dict holding {@code lists} lists nested in one another. */
    private static byte[] nested(int lists) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(hex(HEAD));
        for (int i = 0; i < lists; i++) {
            out.write(0x5d);
        }
        for (int i = 1; i < lists; i++) {
            out.write(0x61);
        }
        out.writeBytes(hex(TAIL));
        return out.toByteArray();
    }

    @Test
    void memoReferencesThatExpandBeyondTheLimit_areRefused() {
        // A 1000-char string, then 6 lists of 1000 references to it: 6 M chars from a 13 kB pickle.
        // A valid bomb: a dict of 6 keys each holding a list of 1000 references.
        ByteArrayOutputStream valid = new ByteArrayOutputStream();
        valid.writeBytes(hex("80 04 7d 94 8c 01 73 94 58 e8 03 00 00"));
        valid.writeBytes("x".repeat(1000).getBytes(StandardCharsets.US_ASCII));
        valid.writeBytes(hex("94 73 28"));
        for (int i = 0; i < 6; i++) {
            valid.writeBytes(hex("8c 01"));
            valid.write('a' + i);
            valid.writeBytes(hex("5d 28"));
            for (int j = 0; j < 1000; j++) {
                valid.writeBytes(hex("68 02"));
            }
            valid.write(0x65);
        }
        valid.writeBytes(hex("75 2e"));
        byte[] validBomb = valid.toByteArray();
        assertTrue(refused2(validBomb, validBomb.length + 1024).contains("expands"));
        assertEquals(7, PickleReader.readDict(validBomb, 10L << 20).size(), "within a higher limit it reads");
    }

    private static String refused2(byte[] pickle, long limit) {
        return assertThrows(MalformedPayloadException.class, () -> PickleReader.readDict(pickle, limit))
                .getMessage();
    }

    @Test
    void sizeLimits_holdBeforeWork() {
        byte[] p = PickleWriter.write(Map.of("k", "x".repeat(5000)), 4);
        assertTrue(refused2(p, 4096).contains("over the 4096 bytes"));
        // An integer of 4301 digits, in LONG4 form, and as protocol-0 text.
        java.math.BigInteger big = java.math.BigInteger.TEN.pow(4300);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("k", big);
        assertTrue(refused2(PickleWriter.write(data, 4), LIMIT).contains("4300 digits"));
        assertTrue(refused(hex(HEAD + "4c " + ascii("1".repeat(4301)) + "0a" + TAIL))
                .getMessage()
                .contains("INT"));
        data.put("k", java.math.BigInteger.TEN.pow(4299));
        assertEquals(data, PickleReader.readDict(PickleWriter.write(data, 4), LIMIT));
        // A string over 1 Mi chars.
        assertTrue(refused2(PickleWriter.write(Map.of("k", "y".repeat((1 << 20) + 1)), 4), 4L << 20)
                .contains("chars"));
        // The stack: 70000 values pushed without a container.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(hex(HEAD));
        out.write(0x28);
        for (int i = 0; i < 70_000; i++) {
            out.write(0x4e);
        }
        assertTrue(refused(out.toByteArray()).getMessage().contains("on the stack"));
    }

    @Test
    void memoEntriesOverTheLimit_areRefused() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(hex("80 04 7d"));
        for (int i = 0; i <= PickleReader.MAX_MEMO; i++) {
            out.write(0x94);
        }
        out.write('.');
        assertTrue(refused2(out.toByteArray(), 4L << 20).contains("memo entries"));
    }

    /**
     * Random corruptions of valid pickles: each read returns a map or refuses with {@link
     * MalformedPayloadException}, never another exception (bounded: 20000 inputs or 10 s).
     */
    @Test
    void corruptedPickles_areRefusedCleanly() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("_auth_user_id", "42");
        data.put("cart", List.of("apple", 3L, 2.5, List.of(true, false), Map.of("x", "y")));
        data.put("big", java.math.BigInteger.TWO.pow(80));
        data.put("none", null);
        byte[][] seeds = {
            PickleWriter.write(data, 4),
            CacheStore.TOMBSTONE.getBytes(StandardCharsets.US_ASCII),
            hex("80 02 7d 71 00 28 58 01 00 00 00 61 71 01 4b 01 85 71 02 75 2e")
        };
        Random random = new Random(17);
        long deadline = System.nanoTime() + 10_000_000_000L;
        int refusedCount = 0;
        int runs = 0;
        for (; runs < 20_000 && System.nanoTime() < deadline; runs++) {
            byte[] p = seeds[runs % seeds.length].clone();
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(p.length);
                switch (random.nextInt(3)) {
                    case 0 -> p[at] = (byte) random.nextInt(256);
                    case 1 -> p = java.util.Arrays.copyOf(p, Math.max(1, at));
                    default -> p[at] = (byte) (p[at] ^ (1 << random.nextInt(8)));
                }
            }
            try {
                PickleReader.readDict(p, LIMIT);
            } catch (MalformedPayloadException expected) {
                refusedCount++;
            }
        }
        assertTrue(refusedCount > runs / 2, "most corruptions are refused: " + refusedCount + " of " + runs);
    }

    @Test
    void aLongFloatLine_isRefusedBeforeItsPatternIsMatched() {
        // FLOAT (protocol 0) with 200 000 digits and a stray letter, a 200 KB pickle: the reader
        // matched its float pattern before checking the length, and the pattern backtracks
        // quadratically over a run of digits (20 000 digits took 3.7 s, 100 000 took 93 s).
        byte[] pickle = hex(HEAD + "46 " + ascii("1".repeat(200_000) + "x\n") + TAIL);
        assertTrue(refused(pickle).getMessage().contains("FLOAT"));
    }
}
