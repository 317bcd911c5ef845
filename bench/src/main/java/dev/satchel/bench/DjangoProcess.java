package dev.satchel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Django's side of the pairs: {@code django/reference.py} running in a long-lived {@code python3}
 * child, told what to do one line at a time on its stdin and answering one JSON line each, so that the
 * benchmark can time a Django round right after (or right before) a Satchel round. Its stderr is the
 * benchmark's. Not thread-safe: one caller at a time.
 */
final class DjangoProcess implements AutoCloseable {
    static final String PYTHON = "/usr/bin/python3";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long any answer may take beyond the round it times (setting up a store, dropping a table). */
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private final Process process;
    private final Writer in;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final String prefix;
    private final String django;
    private final String python;

    /** One timed round of the Django side: operations done, seconds taken, and hits and misses (-1: not counted). */
    record Round(long ops, double seconds, long hits, long misses) {
        double perSecond() {
            return ops / seconds;
        }
    }

    private DjangoProcess(Process process, String prefix) throws IOException {
        this.process = process;
        this.prefix = prefix;
        this.in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> drain(process.getInputStream()), "django-reference-stdout");
        reader.setDaemon(true);
        reader.start();
        JsonNode ready = answer(PATIENCE);
        if (!ready.path("ready").asBoolean()) {
            throw new IOException("the Django reference did not start: " + ready);
        }
        this.django = ready.path("django").asText();
        this.python = ready.path("python").asText();
    }

    /** Whether Debian's {@code python3-django} can be run. */
    static boolean installed() {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import django")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Starts the script in {@code work} (a directory it may fill), with the payload files beside it,
     * on the servers the benchmark uses ({@link Stores}) under names starting with {@code prefix}.
     */
    static DjangoProcess start(Path work, String prefix) throws IOException {
        Path script = work.resolve("reference.py");
        copy("/django/reference.py", script);
        for (Payload p : Payload.values()) {
            copy("/payloads/" + p.file(), work.resolve(p.file()));
        }
        ObjectNode config = JSON.createObjectNode()
                .put("work", work.toString())
                .put("prefix", prefix)
                .put("secret", EngineType.SECRET)
                .put("cookieAge", EngineType.Env.COOKIE_AGE.getSeconds());
        config.set("postgres", database(Stores.POSTGRES_URL));
        config.set("mariadb", database(Stores.MARIADB_URL));
        config.put("redis", Stores.REDIS_URL);
        var memcached = Stores.address(Stores.MEMCACHED_URL);
        config.put("memcached", memcached.getHostString() + ":" + memcached.getPort());
        Path configFile = work.resolve("config.json");
        JSON.writeValue(configFile.toFile(), config);
        Process p = new ProcessBuilder(PYTHON, script.toString(), configFile.toString())
                .directory(work.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            return new DjangoProcess(p, prefix);
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** Django's connection settings for a JDBC URL ({@code jdbc:<db>://host:port/name?user=..&password=..}). */
    private static ObjectNode database(String jdbcUrl) {
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        ObjectNode db = JSON.createObjectNode()
                .put("HOST", uri.getHost())
                .put("PORT", uri.getPort())
                .put("NAME", uri.getPath().substring(1))
                .put("USER", "")
                .put("PASSWORD", "");
        String query = uri.getQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                if (name.equals("user") || name.equals("password")) {
                    db.put(name.toUpperCase(Locale.ROOT), value);
                }
            }
        }
        return db;
    }

    /** The Django version running. */
    String django() {
        return django;
    }

    /** The Python version running. */
    String python() {
        return python;
    }

    /** The prefix of this run's table name and cache keys. */
    String prefix() {
        return prefix;
    }

    /** Stores {@code slots} sessions of {@code payload} through {@code backend}, replacing the previous ones. */
    void prepare(DjangoBackend backend, Payload payload, int slots) throws IOException {
        ObjectNode spec = JSON.createObjectNode()
                .put("engine", backend.module())
                .put("cache", backend.cache())
                .put("db", backend.database())
                .put("payload", payload.file())
                .put("slots", slots);
        command("prepare " + JSON.writeValueAsString(spec), PATIENCE);
    }

    /** Repeats {@code operation} on the prepared sessions for {@code length}. */
    Round run(Operation operation, Duration length) throws IOException {
        JsonNode r = command(
                String.format(Locale.ROOT, "run %s %.3f", operation.label(), length.toNanos() / 1e9),
                PATIENCE.plus(length));
        return new Round(
                r.path("ops").asLong(),
                r.path("seconds").asDouble(),
                r.path("hits").asLong(-1),
                r.path("misses").asLong(-1));
    }

    /** Deletes the prepared sessions. */
    void cleanup() throws IOException {
        command("cleanup", PATIENCE);
    }

    private JsonNode command(String line, Duration timeout) throws IOException {
        in.write(line);
        in.write('\n');
        in.flush();
        JsonNode answer = answer(timeout);
        if (answer.has("error")) {
            throw new IOException("Django reference: " + answer.path("error").asText());
        }
        return answer;
    }

    private JsonNode answer(Duration timeout) throws IOException {
        String line;
        try {
            line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the Django reference", e);
        }
        if (line == null) {
            throw new IOException(
                    process.isAlive()
                            ? "the Django reference did not answer within " + timeout.toSeconds() + " s"
                            : "the Django reference exited (status " + process.exitValue() + ")");
        }
        return JSON.readTree(line);
    }

    private void drain(InputStream out) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            // the process ended; answer() reports it
        }
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream res = DjangoProcess.class.getResourceAsStream(resource)) {
            if (res == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            Files.copy(res, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Asks the script to drop its tables and delete its Redis keys and waits for it to exit; then, in
     * case it could not, does the same from here.
     */
    @Override
    public void close() {
        try {
            in.write("quit\n");
            in.flush();
            in.close();
            answer(PATIENCE);
        } catch (IOException e) {
            System.err.println("the Django reference did not quit cleanly: " + e.getMessage());
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        String table = prefix + "_session";
        if (Stores.reachable(Stores.POSTGRES_URL)) {
            EngineType.dropTable(Stores.POSTGRES_URL, table);
        }
        if (Stores.reachable(Stores.MARIADB_URL)) {
            EngineType.dropTable(Stores.MARIADB_URL, table);
        }
        if (Stores.reachable(Stores.REDIS_URL)) {
            EngineType.deleteRedisKeys(prefix);
        }
    }
}
