package dev.satchel.cache.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.satchel.internal.PythonFloatFormat;
import dev.satchel.testing.RealDjango;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pickle reader and writer against real Python: every case pickled by {@code /usr/bin/python3}
 * with protocols 0 to 5 reads back type-exact; the writer's bytes equal Python's {@code
 * pickle.dumps(value, 4)} and {@code (value, 5)} for data without shared objects; Python reads what
 * the writer wrote.
 */
class PickleFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long LIMIT = 16 << 20;

    record Case(String id, int protocol, boolean exact, byte[] pickle, JsonNode expected) {}

    static List<Case> cases;

    @TempDir
    static Path dir;

    @BeforeAll
    static void generate() throws IOException {
        RealDjango.require();
        cases = new ArrayList<>();
        for (String line : python("cases", List.of())) {
            JsonNode n = JSON.readTree(line);
            cases.add(new Case(
                    n.get("id").asText(),
                    n.get("protocol").asInt(),
                    n.get("exact").asBoolean(),
                    Base64.getDecoder().decode(n.get("pickle").asText()),
                    n.get("expected")));
        }
        assertEquals(9 * 6, cases.size());
    }

    @Test
    void readsWhatPythonWrites_withEveryProtocol_typeExact() {
        for (Case c : cases) {
            Map<String, Object> read = PickleReader.readDict(c.pickle(), LIMIT);
            assertEquals(c.expected(), tag(read), c.id() + " protocol " + c.protocol());
        }
    }

    @Test
    void writesTheBytesPythonWrites_protocols4And5() {
        int compared = 0;
        for (Case c : cases) {
            if (c.exact() && c.protocol() >= 4) {
                byte[] ours = PickleWriter.write(PickleReader.readDict(c.pickle(), LIMIT), c.protocol());
                assertArrayEquals(c.pickle(), ours, c.id() + " protocol " + c.protocol());
                compared++;
            }
        }
        assertEquals(7 * 2, compared);
    }

    @Test
    void pythonReadsWhatSatchelWrites() throws IOException {
        List<String> input = new ArrayList<>();
        List<JsonNode> expected = new ArrayList<>();
        for (Case c : cases) {
            if (c.protocol() == 2) {
                byte[] ours = PickleWriter.write(PickleReader.readDict(c.pickle(), LIMIT), 4);
                input.add(Base64.getEncoder().encodeToString(ours));
                expected.add(c.expected());
            }
        }
        List<String> read = python("load", input);
        assertEquals(expected.size(), read.size());
        for (int i = 0; i < read.size(); i++) {
            assertEquals(expected.get(i), JSON.readTree(read.get(i)), "case " + i);
        }
    }

    @Test
    void writesProtocol4ByDefaultHeader() {
        byte[] p = PickleWriter.write(Map.of(), 4);
        assertArrayEquals(new byte[] {(byte) 0x80, 4, '}', (byte) 0x94, '.'}, p);
    }

    /** The value as Python's tag() in pickle_cases.py describes it. */
    static JsonNode tag(Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ArrayNode a = f.arrayNode();
        if (v == null) {
            return a.add("None");
        }
        if (v instanceof Boolean b) {
            return a.add("bool").add(b);
        }
        if (v instanceof Long || v instanceof BigInteger) {
            assertTrue(!(v instanceof BigInteger big) || big.bitLength() >= 64, "BigInteger only beyond long: " + v);
            return a.add("int").add(v.toString());
        }
        if (v instanceof Double d) {
            return a.add("float").add(PythonFloatFormat.repr(d));
        }
        if (v instanceof String s) {
            return a.add("str").add(s);
        }
        if (v instanceof List<?> list) {
            assertEquals(ArrayList.class, list.getClass());
            ArrayNode items = f.arrayNode();
            list.forEach(x -> items.add(tag(x)));
            return a.add("list").add(items);
        }
        if (v instanceof Map<?, ?> map) {
            assertEquals(java.util.LinkedHashMap.class, map.getClass());
            ArrayNode items = f.arrayNode();
            map.forEach((k, x) -> items.add(f.arrayNode().add((String) k).add(tag(x))));
            return a.add("dict").add(items);
        }
        return a.add("unexpected").add(v.getClass().getName());
    }

    /** Runs pickle_cases.py with a mode, feeding lines to its stdin, and returns its output lines. */
    static List<String> python(String mode, List<String> stdin) throws IOException {
        Path script = dir.resolve("pickle_cases.py");
        if (!Files.exists(script)) {
            try (InputStream in = PickleFormatTest.class.getResourceAsStream("/dev/satchel/cache/pickle_cases.py")) {
                Files.write(script, in.readAllBytes());
            }
        }
        Process p = new ProcessBuilder(RealDjango.PYTHON, script.toString(), mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Thread feeder = new Thread(() -> {
            try (OutputStream out = p.getOutputStream()) {
                for (String line : stdin) {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // the reader below reports the failure
            }
        });
        feeder.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("pickle_cases.py " + mode + " failed");
            }
            feeder.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return out.lines().toList();
    }
}
