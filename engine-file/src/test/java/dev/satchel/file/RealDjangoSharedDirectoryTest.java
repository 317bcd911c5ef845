package dev.satchel.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.file.internal.KeyLocks;
import dev.satchel.tck.MutableClock;
import dev.satchel.testing.RealDjango;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One session directory shared by Satchel (in {@value FileSessionEngine#EXPIRY_SOURCE}{@code =django}
 * mode) and real Django 3.2: sessions written by both, with default and custom expiry, are judged
 * alive or expired alike by Django's {@code load()} and Satchel's load, and Django's {@code
 * clear_expired()} and Satchel's sweep remove the same files.
 *
 * <p>Time: Django runs on the real clock, which Java cannot move, so for Django a time {@code Δ}
 * later is simulated by setting every session file's modification time back by {@code Δ} in a copy
 * of the directory (Django reads the modification time as the last write). Satchel is judged on
 * another copy, untouched, with its clock moved {@code Δ} ahead of the writes.
 *
 * <p>One deliberate difference is named: an integer {@code _session_expiry} ({@code set_expiry(600)}).
 * Django's file backend never expires it on the server ({@code get_expiry_age} returns the integer
 * itself, always positive), so its {@code clear_expired} keeps the file forever; Satchel expires the
 * session that many seconds after its last write, and its load or sweep then deletes the file, which
 * Django then no longer finds either.
 */
class RealDjangoSharedDirectoryTest {
    private static final String SECRET = "shared-directory-secret-django-and-satchel-0123456789";
    private static final Duration COOKIE_AGE = Duration.ofHours(1);
    private static final String SCRIPT = String.join(
            "\n",
            "import sys, json",
            "import django",
            "from django.conf import settings",
            "settings.configure(SECRET_KEY=sys.argv[2], USE_TZ=True, TIME_ZONE='UTC',",
            "    INSTALLED_APPS=['django.contrib.sessions'],",
            "    SESSION_ENGINE='django.contrib.sessions.backends.file',",
            "    SESSION_FILE_PATH=sys.argv[1], SESSION_COOKIE_AGE=int(sys.argv[3]))",
            "django.setup()",
            "from django.contrib.sessions.backends.file import SessionStore",
            "cmd = sys.argv[4]",
            "if cmd == 'save':",
            "    for text in sys.argv[5:]:",
            "        s = SessionStore()",
            "        s.update(json.loads(text))",
            "        s.save()",
            "        print(s.session_key)",
            "elif cmd == 'load':",
            "    # As a request would, but without the fresh session Django creates for an expired one.",
            "    for key in sys.argv[5:]:",
            "        s = SessionStore(key)",
            "        s.create = lambda: None",
            "        try:",
            "            verdict = 'alive' if s.load() else 'gone'",
            "        except Exception as e:",
            "            verdict = 'error:' + type(e).__name__",
            "        print(verdict + ' ' + ('exists' if s.exists(key) else 'missing'))",
            "elif cmd == 'version':",
            "    print(django.VERSION[0])",
            "elif cmd == 'clear':",
            "    try:",
            "        SessionStore.clear_expired()",
            "        print('cleared')",
            "    except Exception as e:",
            "        print('error:' + type(e).__name__)",
            "");

    @TempDir
    Path tmp;

    /**
     * A session in the shared directory.
     *
     * @param satchelSeconds when Satchel expires it, in seconds after its write
     * @param djangoSeconds when Django expires it, in seconds after its write ({@link Long#MAX_VALUE}:
     *     never, on the server)
     */
    private record Written(String label, String key, long satchelSeconds, long djangoSeconds) {
        boolean aliveForSatchel(Duration later) {
            return satchelSeconds > later.getSeconds();
        }

        boolean aliveForDjango(Duration later) {
            return djangoSeconds > later.getSeconds();
        }
    }

    @BeforeEach
    void django() {
        RealDjango.require();
    }

    private static UnaryOperator<dev.satchel.SessionSettings.Builder> shared() {
        return b -> b.cookieAge(COOKIE_AGE).engineProperty(FileSessionEngine.EXPIRY_SOURCE, "django");
    }

    @Test
    void satchelAndDjango_agreeOnWhichSessionsAreAlive_andSweepTheSameFiles() throws IOException {
        Path base = Fixture.privateDirectory(tmp.resolve("sessions"));
        Instant writtenAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long age = COOKIE_AGE.getSeconds();
        long never = Long.MAX_VALUE;

        List<String> djangoKeys = django(
                base,
                "save",
                "{\"who\":\"django-default\"}",
                "{\"who\":\"django-600\",\"_session_expiry\":600}",
                "{\"who\":\"django-browser-close\",\"_session_expiry\":0}",
                "{\"who\":\"django-7200\",\"_session_expiry\":7200}",
                "{\"who\":\"django-negative\",\"_session_expiry\":-1}");
        List<Written> sessions = new ArrayList<>(List.of(
                new Written("django-default", djangoKeys.get(0), age, age),
                new Written("django-600", djangoKeys.get(1), 600, never),
                new Written("django-browser-close", djangoKeys.get(2), age, age),
                new Written("django-7200", djangoKeys.get(3), 7200, never),
                new Written("django-negative", djangoKeys.get(4), -1, -1)));
        try (Fixture f = Fixture.open(base, new MutableClock(writtenAt), SECRET, shared())) {
            sessions.add(new Written("satchel-default", satchelSession(f, null), age, age));
            sessions.add(new Written("satchel-600", satchelSession(f, 600L), 600, never));
            sessions.add(new Written("satchel-browser-close", satchelSession(f, 0L), age, age));
            sessions.add(new Written("satchel-7200", satchelSession(f, 7200L), 7200, never));
        }

        // The lock file and the private directory leave Django alone, and Django leaves them intact.
        assertTrue(Files.exists(base.resolve(KeyLocks.FILE_NAME)), "Satchel's lock file is in the directory");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(base)));
        for (Written w : sessions) {
            assertEquals(
                    "rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(base.resolve("sessionid" + w.key()))),
                    w.label() + ": Django (mkstemp) and Satchel both write session files 0600");
        }

        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        for (Duration later : List.of(Duration.ofMinutes(30), Duration.ofMinutes(90), Duration.ofHours(3))) {
            Map<String, String> expectedSatchel = new TreeMap<>();
            Map<String, String> expectedDjango = new TreeMap<>();
            for (Written w : sessions) {
                expectedSatchel.put(w.label(), w.aliveForSatchel(later) ? "alive exists" : "gone missing");
                expectedDjango.put(w.label(), w.aliveForDjango(later) ? "alive exists" : "gone missing");
            }

            // Satchel, its clock moved on.
            Map<String, String> satchelLoads = new TreeMap<>();
            Path satchelDir = copy(base, "satchel-load-" + later.toMinutes(), Duration.ZERO);
            try (Fixture f = Fixture.open(satchelDir, new MutableClock(writtenAt.plus(later)), SECRET, shared())) {
                for (Written w : sessions) {
                    boolean alive = f.engine.load(w.key()).isPresent();
                    satchelLoads.put(
                            w.label(),
                            (alive ? "alive" : "gone") + " " + (f.engine.exists(w.key()) ? "exists" : "missing"));
                }
            }
            List<String> satchelSwept;
            Path satchelSweepDir = copy(base, "satchel-sweep-" + later.toMinutes(), Duration.ZERO);
            try (Fixture f = Fixture.open(satchelSweepDir, new MutableClock(writtenAt.plus(later)), SECRET, shared())) {
                f.engine.clearExpired();
                satchelSwept = labelsIn(satchelSweepDir, sessions);
            }

            // Django, its files aged instead.
            Path djangoDir = copy(base, "django-load-" + later.toMinutes(), later);
            List<String> verdicts = django(
                    djangoDir, "load", sessions.stream().map(Written::key).toArray(String[]::new));
            Map<String, String> djangoLoads = new TreeMap<>();
            for (int i = 0; i < sessions.size(); i++) {
                djangoLoads.put(sessions.get(i).label(), verdicts.get(i));
            }
            Path djangoSweepDir = copy(base, "django-sweep-" + later.toMinutes(), later);
            assertEquals(List.of("cleared"), django(djangoSweepDir, "clear"), "Django's clear_expired ran");
            List<String> djangoSwept = labelsIn(djangoSweepDir, sessions);

            String at = later.toMinutes() + " min: ";
            expected.add(at + "Django loads " + expectedDjango);
            actual.add(at + "Django loads " + djangoLoads);
            expected.add(at + "Satchel loads " + expectedSatchel);
            actual.add(at + "Satchel loads " + satchelLoads);
            expected.add(at + "Django's sweep leaves " + aliveLabels(sessions, later, false));
            actual.add(at + "Django's sweep leaves " + djangoSwept);
            expected.add(at + "Satchel's sweep leaves " + aliveLabels(sessions, later, true));
            actual.add(at + "Satchel's sweep leaves " + satchelSwept);
            assertTrue(Files.exists(djangoSweepDir.resolve(KeyLocks.FILE_NAME)), "clear_expired left the lock");
        }
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }

    /**
     * A datetime expiry ({@code setExpiry(Instant)}) is stored as Django 4 and later store it, an ISO
     * string, and judged by it on both sides. Django 3.2 cannot read it: its {@code get_expiry_age}
     * compares the string with 0 and raises {@code TypeError}, in {@code load()} and in {@code
     * clear_expired()}, which then stops for the whole directory. Named difference: with Django 3.2 in
     * the directory, Satchel must not set a datetime expiry (the README says so).
     */
    @Test
    void aDatetimeExpiry_isJudgedAlike_exceptThatDjango32CannotReadIt() throws IOException {
        Path base = Fixture.privateDirectory(tmp.resolve("sessions"));
        Instant writtenAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String future;
        String past;
        try (Fixture f = Fixture.open(base, new MutableClock(writtenAt), SECRET, shared())) {
            future = datetimeSession(f, writtenAt.plus(Duration.ofMinutes(30)));
            past = datetimeSession(f, writtenAt.minus(Duration.ofMinutes(30)));
        }
        Path satchelDir = copy(base, "satchel", Duration.ZERO);
        try (Fixture f = Fixture.open(satchelDir, new MutableClock(writtenAt), SECRET, shared())) {
            assertTrue(f.engine.load(future).isPresent(), "Satchel: alive until its datetime");
            assertTrue(f.engine.load(past).isEmpty(), "Satchel: expired after its datetime");
            f.clock.advance(Duration.ofMinutes(31));
            f.engine.clearExpired();
            assertEquals(List.of(KeyLocks.FILE_NAME), Fixture.allNames(satchelDir), "Satchel's sweep");
        }
        Path djangoDir = copy(base, "django", Duration.ZERO);
        List<String> loads = django(djangoDir, "load", future, past);
        Path djangoSweepDir = copy(base, "django-sweep", Duration.ZERO);
        List<String> sweep = django(djangoSweepDir, "clear");
        if (django(tmp, "version").get(0).equals("3")) {
            assertEquals(List.of("error:TypeError exists", "error:TypeError exists"), loads, "Django 3.2's load()");
            assertEquals(List.of("error:TypeError"), sweep, "Django 3.2's clear_expired()");
        } else {
            assertEquals(List.of("alive exists", "gone missing"), loads, "Django's load()");
            assertEquals(List.of("cleared"), sweep, "Django's clear_expired()");
            assertEquals(
                    1,
                    labelsIn(djangoSweepDir, List.of(new Written("future", future, 0, 0)))
                            .size());
        }
    }

    private static String datetimeSession(Fixture f, Instant expiry) {
        Session s = f.sessions.newSession();
        s.put("who", "satchel");
        s.setExpiry(expiry);
        s.save();
        return s.getSessionKey();
    }

    /** The labels of the sessions alive {@code later}, by Satchel's rule or by Django's. */
    private static List<String> aliveLabels(List<Written> sessions, Duration later, boolean satchel) {
        return sessions.stream()
                .filter(w -> satchel ? w.aliveForSatchel(later) : w.aliveForDjango(later))
                .map(Written::label)
                .sorted()
                .toList();
    }

    /** The labels of the sessions whose files are in {@code dir}. */
    private static List<String> labelsIn(Path dir, List<Written> sessions) {
        return sessions.stream()
                .filter(w -> Files.exists(dir.resolve("sessionid" + w.key())))
                .map(Written::label)
                .sorted()
                .toList();
    }

    private static String satchelSession(Fixture f, Long expirySeconds) {
        Session s = f.sessions.newSession();
        s.put("who", "satchel");
        if (expirySeconds != null) {
            s.setExpiry(expirySeconds);
        }
        s.save();
        return s.getSessionKey();
    }

    /**
     * A private copy of {@code from} (every entry, times kept), with each session file's modification
     * time set back by {@code earlier}.
     */
    private Path copy(Path from, String name, Duration earlier) throws IOException {
        Path to = Fixture.privateDirectory(tmp.resolve(name));
        try (Stream<Path> entries = Files.list(from)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                Path target = to.resolve(entry.getFileName().toString());
                Files.copy(entry, target, StandardCopyOption.COPY_ATTRIBUTES);
                if (entry.getFileName().toString().startsWith("sessionid")) {
                    Instant modified = Files.getLastModifiedTime(entry).toInstant();
                    Files.setLastModifiedTime(target, FileTime.from(modified.minus(earlier)));
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return to;
    }

    private List<String> django(Path sessions, String command, String... args) {
        List<String> all =
                new ArrayList<>(List.of(sessions.toString(), SECRET, Long.toString(COOKIE_AGE.getSeconds()), command));
        all.addAll(List.of(args));
        return RealDjango.run(tmp, SCRIPT, all.toArray(String[]::new));
    }
}
