package dev.satchel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's "Concurrent requests" section, from {@code parallel.json} ({@link ParallelRequests}),
 * {@code save-cost.json} ({@link ConditionalSaveCost}) and {@code save-roundtrips.json}
 * ({@link RoundTrips#measureSaves}).
 */
final class ConcurrencyReport {
    /** Conditional save throughput must be at least this fraction of the plain save's. */
    static final double SAVE_TARGET = 0.9;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final StringBuilder md = new StringBuilder();
    private final List<String> missed = new ArrayList<>();

    private ConcurrencyReport() {}

    /** Whether {@code dir} holds any of this section's results. */
    static boolean present(Path dir) {
        return Files.exists(dir.resolve("parallel.json"))
                || Files.exists(dir.resolve("save-cost.json"))
                || Files.exists(dir.resolve("save-roundtrips.json"));
    }

    /** The section's Markdown; {@code missed} receives the targets it did not reach. */
    static String render(Path dir, List<String> missed) throws IOException {
        ConcurrencyReport r = new ConcurrencyReport();
        r.md.append("## Concurrent requests (parallel requests of one user)\n\n");
        r.md.append("Reproduce with `scripts/bench --only parallel` (about 8 minutes with every server).\n\n");
        r.parallel(read(dir, "parallel.json"));
        r.cost(read(dir, "save-cost.json"));
        r.roundTrips(read(dir, "save-roundtrips.json"));
        r.targets();
        missed.addAll(r.missed);
        return r.md.toString();
    }

    private static JsonNode read(Path dir, String name) throws IOException {
        Path p = dir.resolve(name);
        return Files.exists(p) ? JSON.readTree(p.toFile()) : null;
    }

    private void parallel(JsonNode cells) {
        md.append("### Lost updates\n\n");
        if (cells == null || cells.isEmpty()) {
            md.append("Not measured in this run.\n\n");
            return;
        }
        md.append("N threads play requests of ONE user on one session (medium payload): each request loads the ")
                .append("session, reads its thread's own key, writes the next value of that key and saves (Spring ")
                .append("Session is driven as `SessionRepositoryFilter` drives it: `findById`, ")
                .append("`setLastAccessedTime(now)`, `setAttribute`, `save`). A thread knows the last value it saved; ")
                .append("a request that finds it missing or older, or a final read after the round that does, ")
                .append("counts one **lost** update. **Refused** counts saves that raised `SessionConflictException` ")
                .append("(nothing acknowledged, nothing lost; the servlet filter answers 409); **merged** counts ")
                .append("conflicts Satchel detected and resolved by merging. requests/s counts every request ")
                .append("answered (saved or refused): the median of the rounds, each contender on a store taking ")
                .append("turns with the others in rounds of about a second (rotated and reversed from round to ")
                .append("round). Absolute rates on a 2-core machine with shared servers are less stable than the ")
                .append("counts.\n\n");
        md.append("| store | contender | policy | threads | requests/s | lost / 1 000 | refused / 1 000 "
                        + "| merged / 1 000 | requests | errors |\n")
                .append("|---|---|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (JsonNode c : cells) {
            long requests = c.path("requests").asLong();
            long lost = c.path("lost").asLong();
            String policy = c.path("policy").asText();
            boolean satchel = !policy.isEmpty();
            String errors = c.path("errors").asLong() == 0
                    ? "0"
                    : c.path("errors").asLong() + ": "
                            + c.path("error").asText().replace("|", "\\|");
            md.append("| ")
                    .append(c.path("store").asText())
                    .append(" | ")
                    .append(c.path("contender").asText())
                    .append(" | ")
                    .append(satchel ? "`" + policy + "`" : "–")
                    .append(" | ")
                    .append(c.path("threads").asInt())
                    .append(" | ")
                    .append(Report.fmt(c.path("requestsPerSecond").asDouble(Double.NaN), 0))
                    .append(" | ")
                    .append(perThousand(lost, requests))
                    .append(" | ")
                    .append(satchel ? perThousand(c.path("raised").asLong(), requests) : "–")
                    .append(" | ")
                    .append(satchel ? perThousand(c.path("merged").asLong(), requests) : "–")
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%,d", requests))
                    .append(" | ")
                    .append(errors)
                    .append(" |\n");
            if ("merge".equals(policy) && lost > 0) {
                missed.add(c.path("contender").asText() + " `merge` at "
                        + c.path("threads").asInt() + " threads: " + lost + " lost updates (target 0)");
            }
            if (c.path("errors").asLong() > 0) {
                missed.add(c.path("contender").asText() + " " + policy + " at "
                        + c.path("threads").asInt() + " threads: "
                        + c.path("errors").asLong() + " errors ("
                        + c.path("error").asText() + ")");
            }
        }
        md.append('\n');
    }

    private static String perThousand(long n, long requests) {
        if (requests == 0) {
            return "–";
        }
        return Report.fmt(n * 1000.0 / requests, n == 0 ? 0 : 1);
    }

    private void cost(JsonNode results) {
        md.append("### Conditional vs plain save (paired)\n\n");
        if (results == null || results.isEmpty()) {
            md.append("Not measured in this run.\n\n");
            return;
        }
        md.append("One thread saves a session it has just loaded, through a manager with policy `merge` (the ")
                .append("conditional save: the loaded version is known, the store checks it) and one with `overwrite` ")
                .append("(the plain save), on the same engine and records. The two alternate in rounds of 0.2 s ")
                .append(
                        "(AB, BA, AB, ...); each pair gives a ratio of saves/s (only the save is timed), and the table ")
                .append("gives the median ratio with its 95 % order-statistics interval. Target: ≥ ")
                .append(Report.fmt(SAVE_TARGET, 2))
                .append(" (conditional within 10 % of plain). The cycle ratio (load + save) is beside it.\n\n");
        md.append("| engine | pairs | conditional / plain save | 95 % interval | cycle ratio | conditional saves/s "
                        + "| plain saves/s |\n")
                .append("|---|---:|---:|---|---:|---:|---:|\n");
        for (JsonNode r : results) {
            String label = r.path("label").asText();
            if (!r.path("error").isNull() && !r.path("error").asText().isEmpty()) {
                md.append("| ")
                        .append(label)
                        .append(" | failed: ")
                        .append(r.path("error").asText().replace("|", "\\|"))
                        .append(" | | | | | |\n");
                missed.add(label + " conditional save cost: not measured ("
                        + r.path("error").asText() + ")");
                continue;
            }
            double ratio = r.path("ratio").asDouble(Double.NaN);
            double low = r.path("low").asDouble(Double.NaN);
            double high = r.path("high").asDouble(Double.NaN);
            md.append("| ")
                    .append(label)
                    .append(" | ")
                    .append(r.path("pairs").asInt())
                    .append(" | ")
                    .append(Report.x(ratio))
                    .append(" | ")
                    .append(Double.isNaN(low) ? "too few pairs" : Report.x(low) + " – " + Report.x(high))
                    .append(" | ")
                    .append(Report.x(r.path("cycleRatio").asDouble(Double.NaN)))
                    .append(" | ")
                    .append(Report.fmt(r.path("conditionalPerSecond").asDouble(Double.NaN), 0))
                    .append(" | ")
                    .append(Report.fmt(r.path("plainPerSecond").asDouble(Double.NaN), 0))
                    .append(" |\n");
            if (ratio < SAVE_TARGET) {
                missed.add(label + ": conditional save at " + Report.x(ratio) + " of the plain save (target ≥ "
                        + Report.x(SAVE_TARGET) + ")");
            }
        }
        md.append('\n');
    }

    private void roundTrips(JsonNode rows) {
        md.append("### Round trips per save\n\n");
        if (rows == null || rows.isEmpty()) {
            md.append("Not measured in this run (no networked engine or SQLite was measured).\n\n");
            return;
        }
        md.append("Network round trips are counted by a loopback TCP proxy in front of each server (a round trip ")
                .append("= the client's bytes arriving after the server's last reply; a Redis script is one however ")
                .append("many commands it runs), JDBC statements by a counting wrapper (SQLite's are local calls). ")
                .append("Average over 50 operations, lowest of three trials; only the operation itself is counted ")
                .append("(the load before a save is not). A fraction above a whole number of round trips with ")
                .append("a whole number of statements is an occasional extra exchange on the pool's connections ")
                .append("during the count, not a statement of the save; the target check allows 0.1 for it. A second ")
                .append("save in the same request costs a load first: the conditional save does not return the ")
                .append("version it wrote, so the session must learn it again.\n\n");
        md.append("| engine | operation | round trips | JDBC statements |\n|---|---|---:|---:|\n");
        for (JsonNode r : rows) {
            String label;
            try {
                label = EngineType.valueOf(r.path("engine").asText()).label();
            } catch (IllegalArgumentException e) {
                label = r.path("engine").asText();
            }
            String op = r.path("operation").asText();
            double trips = r.path("roundTrips").asDouble(Double.NaN);
            double statements = r.path("statements").asDouble(Double.NaN);
            md.append("| ")
                    .append(label)
                    .append(" | ")
                    .append(op)
                    .append(" | ")
                    .append(Double.isNaN(trips) ? "–" : Report.fmt(trips, 2))
                    .append(" | ")
                    .append(Double.isNaN(statements) ? "–" : Report.fmt(statements, 2))
                    .append(" |\n");
            boolean conditional = op.startsWith("conditional");
            boolean cachedDb = r.path("engine").asText().equals(EngineType.CACHED_DB.name());
            double one = cachedDb ? 2 : 1;
            if (conditional && (trips > one + 0.1 || statements > 1.0001)) {
                missed.add(label + " conditional save: " + Report.fmt(Double.isNaN(trips) ? statements : trips, 2)
                        + " round trips (target " + (int) one + ")");
            }
        }
        md.append('\n');
    }

    private void targets() {
        md.append("### Targets\n\n");
        if (missed.isEmpty()) {
            md.append("Met: 0 lost updates with `merge`, conditional save within 10 % of the plain save, one round ")
                    .append("trip per conditional save (as measured above).\n\n");
        } else {
            md.append("Missed:\n\n");
            missed.forEach(m -> md.append("- ").append(m).append('\n'));
            md.append('\n');
        }
    }
}
