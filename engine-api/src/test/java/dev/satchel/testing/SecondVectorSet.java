package dev.satchel.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A second Django vector set, made at test time by real Django 3.2 ({@code generate_vector_set.py})
 * from the inputs of the set in use, with another secret key, another frozen clock and another
 * {@code set_expiry()} argument, and the vector test classes run against it in a child JVM (so their
 * static state is read from the second set, through {@value DjangoVectors#PROPERTY}). A vector test
 * that carries a value copied from the bundled set fails there.
 */
public final class SecondVectorSet {
    /** The secret key of the second set (the bundled set's is another). */
    public static final String SECRET_KEY = "second-set-\u00e9Zx9!key-for-vectors-77c1";

    /** The second set's "old" key for rotation cases. */
    public static final String SECRET_KEY_2 = "second-set-rotated-key-0b44";

    /** The second set's frozen clock, epoch seconds: another day and another fraction. */
    public static final String NOW = "1712345678.75";

    /** The argument of the middleware view's {@code set_expiry()} and of the integer expiry cases. */
    public static final String EXPIRY_SECONDS = "900";

    private static final List<String> FILES = List.of(
            "signing.json",
            "serializer.json",
            "sessions.json",
            "backends.json",
            "middleware.json",
            "session_keys.json");

    private static final Pattern RESULT = Pattern.compile(
            "VECTOR-SET-RESULT tests=(\\d+) succeeded=(\\d+) failed=(\\d+) skipped=(\\d+) aborted=(\\d+)");

    private static Path directory;

    private SecondVectorSet() {}

    /** What a run against the second set gave. */
    public record Result(long tests, long succeeded, long failed, long skipped, long aborted, String output) {}

    /** The generated set (made once per JVM), after {@link RealDjango#require()}. */
    public static synchronized Path directory() {
        RealDjango.require();
        if (directory != null) {
            return directory;
        }
        try {
            Path work = Files.createTempDirectory("satchel-second-vectors");
            Path template = Files.createDirectory(work.resolve("template"));
            Path out = Files.createDirectory(work.resolve("second-set"));
            for (String file : FILES) {
                DjangoVectors.copyTo(file, template.resolve(file));
            }
            String script;
            try (InputStream in = SecondVectorSet.class.getResourceAsStream("generate_vector_set.py")) {
                if (in == null) {
                    throw new IOException("generate_vector_set.py is not on the test class path");
                }
                script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            RealDjango.run(
                    work, script, template.toString(), out.toString(), SECRET_KEY, SECRET_KEY_2, NOW, EXPIRY_SECONDS);
            for (String file : FILES) {
                assertTrue(Files.size(out.resolve(file)) > 0, file + " generated");
            }
            directory = out;
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs test classes (fully qualified names: the vector tests are package-private) against the
     * second set in a child JVM with this JVM's class path, and requires them to pass: no failure, no
     * aborted test, at least one test run.
     */
    public static Result requirePasses(String... testClasses) {
        Path dir = directory();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-D" + DjangoVectors.PROPERTY + "=" + dir,
                VectorSetMain.class.getName()));
        cmd.addAll(List.of(testClasses));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
            Process p = pb.start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean done = p.waitFor(300, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            System.out.println(output);
            Matcher m = RESULT.matcher(output);
            assertTrue(done && m.find(), "the run against the second vector set finished:\n" + output);
            Result r = new Result(
                    Long.parseLong(m.group(1)),
                    Long.parseLong(m.group(2)),
                    Long.parseLong(m.group(3)),
                    Long.parseLong(m.group(4)),
                    Long.parseLong(m.group(5)),
                    output);
            assertEquals(0, r.failed(), "failures against the second vector set (" + dir + "):\n" + output);
            assertEquals(0, r.aborted(), "tests that did not run against the second vector set:\n" + output);
            assertEquals(0, p.exitValue(), output);
            assertTrue(r.succeeded() > 0, "no test ran against the second vector set:\n" + output);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
