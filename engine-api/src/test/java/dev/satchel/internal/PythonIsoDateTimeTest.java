package dev.satchel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.satchel.testing.RealDjango;
import dev.satchel.testing.Servers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Satchel's ISO-8601 expiry strings against real Python 3 ({@code /usr/bin/python3}): what Satchel
 * writes is byte for byte what {@code datetime.isoformat()} writes for an aware UTC datetime (Django
 * 4+'s {@code set_expiry(datetime)}), and what it reads is what {@code datetime.fromisoformat()}
 * reads, to the microsecond, or nothing at all for the few forms it deliberately leaves unread.
 */
class PythonIsoDateTimeTest {
    /**
     * Forms Python 3.11 reads that Satchel deliberately does not (the expiry then falls back to the
     * cookie age): none is written by {@code isoformat()}, and each is a quirk of one Python version.
     */
    private static final Map<String, String> NOT_READ_BY_SATCHEL = Map.of(
            "2023-W46-2T22:14:20", "ISO week dates",
            "2023W462", "ISO week dates",
            "2023-11-14T22:14:20.+00:00", "a decimal separator without digits",
            "2023-11-14T22:14:20 +00:00", "a space before the offset",
            "2023-11-14T22:14:20:5", "a colon before the fraction");

    private static final List<String> CASES = List.of(
            // what isoformat() writes: aware, naive, with and without microseconds, any offset
            "2023-11-14T22:14:20.250000+00:00",
            "2023-11-14T22:14:20+00:00",
            "2023-11-14T22:14:20.000001+00:00",
            "2023-11-14T23:14:20.250000+01:00",
            "2023-11-14T17:44:20-04:30",
            "1900-01-01T00:00:00+00:09:21",
            "1900-01-01T00:00:00+00:09:21.500000",
            "2023-11-14T22:14:20",
            "2023-11-14T22:14:20.999999",
            "0001-01-01T00:00:00+00:00",
            "0001-01-01T00:30:00+01:00",
            "9999-12-31T23:59:59.999999+00:00",
            "9999-12-31T23:59:59-05:00",
            "1969-12-31T23:59:59.999999+00:00",
            // what else Python 3.11 reads
            "2023-11-14T22:14:20Z",
            "2023-11-14T22:14:20.25+00:00",
            "2023-11-14T22:14:20.123+00:00",
            "2023-11-14T22:14:20,25+00:00",
            "2023-11-14T22:14:20.2500009+00:00",
            "2023-11-14T22:14:20.1234567890123+00:00",
            "2023-11-14 22:14:20",
            "2023-11-14x22:14:20",
            "2023-11-14\u00e922:14:20",
            "2023-11-14\ud83d\ude0022:14:20",
            "2023-11-14T22:14",
            "2023-11-14T22",
            "2023-11-14",
            "20231114",
            "20231114T221420",
            "2023-11-14T221420",
            "2023-11-14T2214",
            "2023-11-14T221420.5Z",
            "2023-11-14T22:14:20+0100",
            "2023-11-14T22:14:20+01",
            "2023-11-14T22:14:20+00",
            "2023-11-14T22:14:20-00:00",
            "2023-11-14T22:14:20+23:59",
            "2023-11-14T22:14:20+01:00:30",
            "2023-11-14T22:14:20-01:00:30.5",
            "2024-02-29T12:00:00+00:00",
            // what it refuses
            "2023-11-14T22:14:20z",
            "2023-11-14T24:00:00",
            "2023-02-30T00:00:00",
            "2023-02-29T00:00:00",
            "2023-11-14T22:14:60",
            "2023-11-14T22:60:00",
            "2023-13-01T00:00:00",
            "2023-00-01T00:00:00",
            "0000-01-01T00:00:00",
            "+2023-11-14T22:14:20",
            "-2023-11-14T22:14:20",
            "2023-11-14T22:14:20+24:00",
            "2023-11-14T22:14:20-24:00",
            " 2023-11-14T22:14:20",
            "2023-11-14T22:14:20\n",
            "2023-11-14T22:1420",
            "2023-11-14T22:14:2",
            "2023-11-14T2",
            "2023-11-14T",
            "2023-313",
            "2023-11",
            "2023",
            "",
            "yesterday",
            "\u0662\u0660\u0662\u0663-11-14T22:14:20",
            "2023-11-14T22:14:20Z+00:00",
            "2023-11-14T22:14:20+00:00Z",
            "2023-11-14T22:14:20+",
            "2023-11-14T22:14:20+1",
            "2023-11-14T22:14:20.123x",
            "2023-11-14T22:14:20.5:00");

    private static final String FROMISOFORMAT = String.join(
            "\n",
            "import sys, json",
            "from datetime import datetime, timezone",
            "epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)",
            "for text in json.loads(sys.stdin.read()):",
            "    try:",
            "        d = datetime.fromisoformat(text)",
            "    except ValueError:",
            "        print('refused')",
            "        continue",
            "    if d.tzinfo is None:",
            "        d = d.replace(tzinfo=timezone.utc)",
            "    delta = d - epoch",
            "    print(delta.days * 86400 + delta.seconds, delta.microseconds)",
            "");

    private static final String ISOFORMAT = String.join(
            "\n",
            "import sys",
            "from datetime import datetime, timedelta, timezone",
            "epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)",
            "for line in sys.stdin.read().split():",
            "    seconds, micros = line.split(',')",
            "    print((epoch + timedelta(seconds=int(seconds), microseconds=int(micros))).isoformat())",
            "");

    @TempDir
    Path dir;

    @Test
    void whatSatchelWrites_isWhatPythonsIsoformatWrites() throws Exception {
        requirePython();
        List<Instant> instants = List.of(
                Instant.parse("2023-11-14T22:14:20Z"),
                Instant.parse("2023-11-14T22:14:20.250Z"),
                Instant.parse("2023-11-14T22:14:20.000001Z"),
                Instant.parse("2023-11-14T22:14:20.123456789Z"),
                Instant.parse("2023-11-14T22:14:20.000000999Z"),
                Instant.parse("1969-12-31T23:59:59.999999Z"),
                Instant.parse("0001-01-01T00:00:00Z"),
                Instant.parse("0999-06-01T12:00:00.5Z"),
                Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.EPOCH);
        StringBuilder input = new StringBuilder();
        for (Instant i : instants) {
            input.append(i.getEpochSecond())
                    .append(',')
                    .append(i.getNano() / 1000)
                    .append('\n');
        }
        List<String> python = python(ISOFORMAT, input.toString());
        assertEquals(instants.size(), python.size(), python.toString());
        for (int k = 0; k < instants.size(); k++) {
            String written = PythonIsoDateTime.format(instants.get(k));
            assertEquals(python.get(k), written, "isoformat() of " + instants.get(k));
            assertEquals(
                    Instant.ofEpochSecond(
                            instants.get(k).getEpochSecond(), instants.get(k).getNano() / 1000 * 1000),
                    PythonIsoDateTime.parse(written),
                    "read back to the microsecond: " + written);
        }
    }

    @Test
    void whatSatchelReads_isWhatPythonsFromisoformatReads() throws Exception {
        requirePython();
        List<String> cases = new ArrayList<>(CASES);
        cases.addAll(NOT_READ_BY_SATCHEL.keySet());
        StringBuilder json = new StringBuilder("[");
        for (String c : cases) {
            json.append(json.length() > 1 ? "," : "").append('"');
            c.chars().forEach(ch -> json.append(String.format("\\u%04x", ch)));
            json.append('"');
        }
        List<String> python = python(FROMISOFORMAT, json.append(']').toString());
        assertEquals(cases.size(), python.size(), python.toString());
        List<String> disagreements = new ArrayList<>();
        for (int k = 0; k < cases.size(); k++) {
            String text = cases.get(k);
            if (NOT_READ_BY_SATCHEL.containsKey(text) && python.get(k).equals("refused")) {
                disagreements.add(printable(text) + " is listed as read by Python, but Python refuses it");
            }
            Instant satchel = PythonIsoDateTime.parse(text);
            String expected = NOT_READ_BY_SATCHEL.containsKey(text) ? "refused" : python.get(k);
            String actual = satchel == null ? "refused" : satchel.getEpochSecond() + " " + satchel.getNano() / 1000;
            if (!expected.equals(actual)) {
                disagreements.add(printable(text) + ": python " + expected + ", satchel " + actual);
            }
        }
        assertEquals(List.of(), disagreements, "every case agrees with Python, or is a listed deliberate difference");
    }

    @Test
    void instantsPythonCannotHold_areRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> PythonIsoDateTime.format(Instant.parse("+10000-01-01T00:00:00Z")));
        assertThrows(
                IllegalArgumentException.class, () -> PythonIsoDateTime.format(Instant.parse("0000-12-31T23:59:59Z")));
        assertThrows(IllegalArgumentException.class, () -> PythonIsoDateTime.format(Instant.MAX));
        assertEquals("0001-01-01T00:00:00+00:00", PythonIsoDateTime.format(Instant.parse("0001-01-01T00:00:00Z")));
    }

    @Test
    void hugeInputs_areReadInOnePass() {
        assertNull(PythonIsoDateTime.parse("2023-11-14T22:14:20." + "1".repeat(1_000_000) + "x"));
        assertEquals(
                Instant.parse("2023-11-14T22:14:20.111111Z"),
                PythonIsoDateTime.parse("2023-11-14T22:14:20." + "1".repeat(1_000_000) + "Z"));
        assertNull(PythonIsoDateTime.parse(null));
    }

    private static String printable(String text) {
        StringBuilder sb = new StringBuilder("\"");
        text.chars()
                .forEach(c -> sb.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return sb.append('"').toString();
    }

    private List<String> python(String script, String stdin) throws Exception {
        Path file = Files.createTempFile(dir, "iso", ".py");
        Files.writeString(file, script);
        Process p = new ProcessBuilder(RealDjango.PYTHON, file.toString())
                .redirectErrorStream(true)
                .start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.US_ASCII));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("python failed:\n" + out);
        }
        return out.lines().toList();
    }

    /** Python is a test dependency (scripts/test-deps): missing, it fails under CI and skips elsewhere. */
    private static void requirePython() {
        boolean present = Files.isExecutable(Path.of(RealDjango.PYTHON)) && python311OrLater();
        String message = RealDjango.PYTHON + " (3.11 or later) is missing: run scripts/test-deps";
        if (!present && Servers.isCi()) {
            fail(message + " (CI=true: a missing peer fails the run)");
        }
        assumeTrue(present, message);
    }

    private static boolean python311OrLater() {
        try {
            Process p = new ProcessBuilder(
                            RealDjango.PYTHON, "-c", "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
