package dev.satchel.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs real Django (Debian's {@code python3-django}, with {@code /usr/bin/python3}) in a child
 * process for interoperability tests. When Django is missing the test fails under {@code CI=true}
 * and is skipped elsewhere, with a message naming {@code scripts/test-deps}.
 */
public final class RealDjango {
    /** The interpreter Debian's package installs Django for. */
    public static final String PYTHON = "/usr/bin/python3";

    private RealDjango() {}

    /** Fails (CI) or skips (elsewhere) unless {@code import django} works. */
    public static void require() {
        boolean available;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import django")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            available = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            available = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            available = false;
        }
        String message = PYTHON + " cannot import django: run scripts/test-deps (apt-get install python3-django)";
        if (!available && Servers.isCi()) {
            fail(message + " (CI=true: a missing peer fails the run)");
        }
        assumeTrue(available, message);
    }

    /**
     * A script driving one of Django's session engines: {@code argv[1]} is the engine's location (a
     * database file or a session directory), {@code argv[2]} the secret key; {@code load KEY} prints
     * the session's data as compact JSON, {@code save JSON} stores a new session and prints its key.
     *
     * @param engine the engine's module, for example {@code django.contrib.sessions.backends.db}
     * @param location the settings that point the engine at {@code sys.argv[1]}, as Python keyword
     *     arguments
     */
    public static String sessionScript(String engine, String location) {
        return String.join(
                "\n",
                "import sys, json",
                "import django",
                "from django.conf import settings",
                "settings.configure(SECRET_KEY=sys.argv[2], USE_TZ=True, TIME_ZONE='UTC',",
                "    INSTALLED_APPS=['django.contrib.sessions'],",
                "    SESSION_ENGINE='" + engine + "', " + location + ")",
                "django.setup()",
                "from " + engine + " import SessionStore",
                "if sys.argv[3] == 'load':",
                "    s = SessionStore(sys.argv[4])",
                "    print(json.dumps(s.load(), separators=(',', ':')))",
                "else:",
                "    s = SessionStore()",
                "    s.update(json.loads(sys.argv[4]))",
                "    s.save()",
                "    print(s.session_key)",
                "");
    }

    /**
     * Runs a Python script with arguments and returns its standard output lines.
     *
     * @throws AssertionError with Python's output if the script fails
     */
    public static List<String> run(Path dir, String script, String... args) {
        try {
            Path file = Files.createTempFile(dir, "django-interop", ".py");
            Files.writeString(file, script, StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>(List.of(PYTHON, file.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("Django script failed:\n" + out);
            }
            return out.lines().toList();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + PYTHON, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
