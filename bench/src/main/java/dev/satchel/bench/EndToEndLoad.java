package dev.satchel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Drives the end-to-end app with wrk: one connection per wrk thread, each one user who keeps its
 * session cookie (script {@code e2e/session-user.lua} in this jar), for a bounded time on loopback.
 * wrk keeps one Lua state per thread, not per connection, hence {@code -tN -cN}: it is the only way
 * to give every connection its own cookie jar.
 */
final class EndToEndLoad implements AutoCloseable {
    /** The mix of requests the script sends, as the report states it. */
    static final String MIX = "70 % GET /visit, 20 % GET /cart, 10 % POST /cart/add";

    private static final String SCRIPT = "/e2e/session-user.lua";
    private static final String MARKER = "E2E-RESULT ";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path wrk;
    private final int connections;
    private final Path script;

    /**
     * wrk's latency percentiles of one run, in microseconds (from the request written to the response
     * read; a closed loop, so waiting behind a slow response is not counted).
     */
    record Latency(double mean, double p50, double p90, double p99, double p999, double max) {}

    /**
     * One wrk run against one side.
     *
     * @param statusErrors responses with a status of 400 or more, as wrk counts them ("Non-2xx or 3xx")
     * @param socketErrors wrk's connect, read and write errors and timeouts
     * @param non200 responses whose status was not 200, as the script counts them
     * @param users wrk threads, each one user on one connection
     * @param sessions session cookies the users were given (one per user when sessions are kept)
     * @param visitsOk answers to {@code GET /visit} whose count was the user's previous count plus one
     * @param visitsBad answers to {@code GET /visit} that broke the count (a lost or foreign session)
     * @param cartOk cart answers holding as many items as the user had added (up to the cap)
     * @param cartBad cart answers that did not
     * @param maxVisits the highest count any user reached
     */
    record Run(
            long requests,
            double seconds,
            double perSecond,
            long statusErrors,
            long socketErrors,
            long non200,
            Latency latency,
            int users,
            long sessions,
            long visitsOk,
            long visitsBad,
            long cartOk,
            long cartBad,
            long maxVisits) {
        /** Whether every checked answer matched the user's own session, and each user kept one session. */
        boolean sessionsKept() {
            return visitsOk > 0 && visitsBad == 0 && cartBad == 0 && sessions == users;
        }

        /** Whether every request was answered 200 without a socket error. */
        boolean clean() {
            return statusErrors == 0 && non200 == 0 && socketErrors == 0;
        }
    }

    EndToEndLoad(Path wrk, int connections) {
        this.wrk = wrk;
        this.connections = connections;
        try {
            script = Files.createTempFile("satchel-e2e-", ".lua");
            try (InputStream in = EndToEndLoad.class.getResourceAsStream(SCRIPT)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + SCRIPT);
                }
                Files.write(script, in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** wrk on the {@code PATH}, if installed. */
    static Optional<Path> find() {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>(List.of((path == null ? "" : path).split(java.io.File.pathSeparator)));
        dirs.add("/usr/bin");
        for (String dir : dirs) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "wrk");
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** The first line of {@code wrk -v} (for example {@code wrk debian/4.1.0-3+b2 [epoll] ...}). */
    static String version(Path wrk) {
        try {
            Process p = new ProcessBuilder(wrk.toString(), "-v")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse("wrk").replaceFirst("\\s*Copyright.*$", "");
        } catch (IOException e) {
            return "wrk (version unknown: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "wrk (version unknown)";
        }
    }

    /** Runs wrk for {@code seconds} against {@code base} and returns what it measured and checked. */
    Run run(URI base, int seconds) throws IOException, InterruptedException {
        List<String> command = List.of(
                wrk.toString(),
                "-t" + connections,
                "-c" + connections,
                "-d" + seconds + "s",
                "--timeout",
                "10s",
                "-s",
                script.toString(),
                base.toString(),
                "--",
                Integer.toString(EndToEndApp.CART_CAP));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        // wrk's output is a few lines: reading it to the end waits for wrk to finish.
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("wrk did not finish: " + String.join(" ", command));
        }
        String line = out.lines()
                .filter(l -> l.startsWith(MARKER))
                .findFirst()
                .orElseThrow(() -> new IOException(
                        "wrk (exit " + p.exitValue() + ") printed no " + MARKER.strip() + " line:\n" + out));
        return parse(JSON.readTree(line.substring(MARKER.length())));
    }

    static Run parse(JsonNode n) {
        JsonNode l = n.path("latencyMicros");
        double seconds = n.path("durationMicros").asDouble() / 1e6;
        long requests = n.path("requests").asLong();
        return new Run(
                requests,
                seconds,
                seconds > 0 ? requests / seconds : Double.NaN,
                n.path("statusErrors").asLong(),
                n.path("connectErrors").asLong()
                        + n.path("readErrors").asLong()
                        + n.path("writeErrors").asLong()
                        + n.path("timeouts").asLong(),
                n.path("non200").asLong(),
                new Latency(
                        l.path("mean").asDouble(),
                        l.path("p50").asDouble(),
                        l.path("p90").asDouble(),
                        l.path("p99").asDouble(),
                        l.path("p99.9").asDouble(),
                        l.path("max").asDouble()),
                n.path("users").asInt(),
                n.path("sessions").asLong(),
                n.path("visitsOk").asLong(),
                n.path("visitsBad").asLong(),
                n.path("cartOk").asLong(),
                n.path("cartBad").asLong(),
                n.path("maxVisits").asLong());
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(script);
        } catch (IOException e) {
            System.err.println("could not delete " + script + ": " + e.getMessage());
        }
    }
}
