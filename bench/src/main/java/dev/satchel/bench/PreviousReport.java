package dev.satchel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.satchel.bench.PairedResults.Cell;
import dev.satchel.bench.PairedResults.Measured;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * "What changed since the previous reports": the headline ratios of the newest older paired full run
 * and of the newest unpaired one (the format of 2026-11-22: ratios of JMH means) beside this run's,
 * with the change of method or fairness that moved each one.
 */
final class PreviousReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PreviousReport() {}

    static String render(Path dir, PairedResults now) throws IOException {
        return sincePaired(dir, now) + sinceUnpaired(dir, now);
    }

    /**
     * The newest older paired full run beside this one: every headline ratio it published (cycle
     * against the floor, against each peer, against Django), then and now, with what moved it.
     */
    private static String sincePaired(Path dir, PairedResults now) throws IOException {
        Optional<Path> previous = previousFull(dir, true);
        if (previous.isEmpty()) {
            return "";
        }
        Path old = previous.get();
        PairedResults then = PairedResults.read(old.resolve("jmh-result.json"));
        StringBuilder md = new StringBuilder();
        md.append("## What changed since the previous paired run\n\n");
        md.append("The request cycle (medium payload, 1 thread) in [")
                .append(old.getFileName())
                .append("](../")
                .append(old.getFileName())
                .append("/README.md) and in this run, both paired with the same method. Since then each server-side ")
                .append(
                        "engine's floor includes Django's codec done by hand (the raw store alone is now the extra floor ")
                .append(
                        "`raw`), so those ratios are not comparable with the previous ones: the raw-store ratio of this ")
                .append(
                        "run is given beside them. The previous figures against the floor are withdrawn; these replace ")
                .append("them.\n\n");
        md.append("| comparison | engine | previous | now | now against the raw store | what changed |\n")
                .append("|---|---|---:|---:|---:|---|\n");
        for (EngineType e : EngineType.values()) {
            Optional<Measured> was = then.get(new Cell(e, Operation.CYCLE, "FLOOR", Payload.MEDIUM, 1));
            Optional<Measured> is = now.get(new Cell(e, Operation.CYCLE, "FLOOR", Payload.MEDIUM, 1));
            if (was.isEmpty() || is.isEmpty()) {
                continue;
            }
            Optional<Measured> raw = now.get(new Cell(e, Operation.CYCLE, "FLOOR:" + Floors.RAW, Payload.MEDIUM, 1));
            md.append("| against its floor | ")
                    .append(e.label())
                    .append(" | ")
                    .append(PairedReport.ratioCell(was.get()))
                    .append(" | ")
                    .append(PairedReport.ratioCell(is.get()))
                    .append(" | ")
                    .append(raw.map(PairedReport::ratioCell).orElse("–"))
                    .append(" | ")
                    .append(pairedFloorChange(e, was.get(), is.get(), raw))
                    .append(" |\n");
        }
        for (PeerType p : PeerType.values()) {
            Cell c = new Cell(p.satchel(), Operation.CYCLE, p.name(), Payload.MEDIUM, 1);
            Optional<Measured> was = then.get(c);
            Optional<Measured> is = now.get(c);
            if (was.isPresent() && is.isPresent()) {
                md.append("| against ")
                        .append(p.label())
                        .append(" | ")
                        .append(p.satchel().label())
                        .append(" | ")
                        .append(PairedReport.ratioCell(was.get()))
                        .append(" | ")
                        .append(PairedReport.ratioCell(is.get()))
                        .append(" | – | ")
                        .append(moved(was.get().ratio(), is.get().ratio()))
                        .append(" |\n");
            }
        }
        Map<String, JsonNode> djangoThen = djangoCycles(old);
        Map<String, JsonNode> djangoNow = djangoCycles(dir);
        for (Map.Entry<String, JsonNode> e : djangoNow.entrySet()) {
            JsonNode was = djangoThen.get(e.getKey());
            if (was == null) {
                continue;
            }
            JsonNode is = e.getValue();
            md.append("| against Django | ")
                    .append(EngineType.valueOf(e.getKey()).label())
                    .append(" | ")
                    .append(djangoCell(was))
                    .append(" | ")
                    .append(djangoCell(is))
                    .append(" | – | ")
                    .append(moved(
                            was.path("ratio").asDouble(),
                            was.path("low").asDouble(Double.NaN),
                            was.path("high").asDouble(Double.NaN),
                            is.path("ratio").asDouble(),
                            is.path("low").asDouble(Double.NaN),
                            is.path("high").asDouble(Double.NaN)))
                    .append(" |\n");
        }
        md.append('\n');
        return md.toString();
    }

    private static String pairedFloorChange(EngineType e, Measured was, Measured is, Optional<Measured> raw) {
        if (!e.serverSide()) {
            return "same floor and method: " + moved(was.ratio(), is.ratio());
        }
        String change = "the floor now encodes and decodes with Django's codec by hand";
        if (e == EngineType.FILE) {
            change += "; the engine (and floor) set each file's access time past its expiry, so a load no longer"
                    + " rewrites the inode under relatime";
        }
        if (e.writesToDisk()) {
            change += "; the cell starts after a sync";
        }
        return change
                + raw.map(r -> "; against the raw store, as the previous floor was: " + moved(was.ratio(), r.ratio()))
                        .orElse("");
    }

    /** Whether a ratio moved beyond both intervals, in words. */
    private static String moved(Stats.Median was, Stats.Median is) {
        return moved(was.median(), was.low(), was.high(), is.median(), is.low(), is.high());
    }

    private static String moved(double was, double wasLow, double wasHigh, double is, double isLow, double isHigh) {
        if (Double.isNaN(wasLow) || Double.isNaN(isLow)) {
            return String.format(java.util.Locale.ROOT, "%+.0f %%", (is / was - 1) * 100);
        }
        boolean apart = isLow > wasHigh || isHigh < wasLow;
        return String.format(java.util.Locale.ROOT, "%+.0f %%", (is / was - 1) * 100)
                + (apart ? ", the intervals do not overlap" : ", within the intervals");
    }

    /** Django's paired cycle ratios (medium payload) of a run, by Satchel engine name. */
    private static Map<String, JsonNode> djangoCycles(Path run) throws IOException {
        Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
        Path file = run.resolve("django.json");
        if (!Files.exists(file)) {
            return out;
        }
        for (JsonNode r : JSON.readTree(file.toFile()).path("results")) {
            if (r.path("payload").asText().equals("MEDIUM")
                    && r.path("operation").asText().equals("cycle")
                    && r.path("error").isNull()
                    && r.has("ratio")) {
                out.put(r.path("engine").asText(), r);
            }
        }
        return out;
    }

    private static String djangoCell(JsonNode r) {
        double low = r.path("low").asDouble(Double.NaN);
        return PairedReport.x(r.path("ratio").asDouble())
                + (Double.isNaN(low)
                        ? ""
                        : " [" + PairedReport.num(low) + "–"
                                + PairedReport.num(r.path("high").asDouble()) + "]");
    }

    /** The pre-paired report (2026-11-22): ratios of means, re-issued with the paired method's figures. */
    private static String sinceUnpaired(Path dir, PairedResults now) throws IOException {
        Optional<Path> previous = previousFull(dir, false);
        if (previous.isEmpty()) {
            return "";
        }
        Path old = previous.get();
        Map<String, Double> means = new HashMap<>();
        JsonNode results = JSON.readTree(old.resolve("jmh-result.json").toFile());
        for (JsonNode r : results) {
            String bench = r.path("benchmark").asText();
            String method = bench.substring(bench.lastIndexOf('.') + 1);
            JsonNode p = r.path("params");
            if (!p.path("payload").asText().equals("MEDIUM")
                    || r.path("threads").asInt() != 1) {
                continue;
            }
            String who =
                    p.has("peer") ? p.path("peer").asText() : p.path("engine").asText();
            means.put(who + "/" + method, r.path("primaryMetric").path("score").asDouble());
        }
        Map<String, Double> django = new HashMap<>();
        Path oldDjango = old.resolve("django.json");
        if (Files.exists(oldDjango)) {
            for (JsonNode r : JSON.readTree(oldDjango.toFile()).path("results")) {
                if (r.path("payload").asText().equals("MEDIUM")) {
                    django.put(
                            r.path("engine").asText() + "/"
                                    + r.path("operation").asText(),
                            r.path("opsPerSecond").asDouble());
                }
            }
        }
        Map<String, Double> djangoNow = new HashMap<>();
        Map<String, String> djangoNowCell = new HashMap<>();
        Path newDjango = dir.resolve("django.json");
        if (Files.exists(newDjango)) {
            for (JsonNode r : JSON.readTree(newDjango.toFile()).path("results")) {
                if (r.path("payload").asText().equals("MEDIUM")
                        && r.path("error").isNull()) {
                    String k = r.path("engine").asText() + "/"
                            + r.path("operation").asText();
                    djangoNow.put(k, r.path("ratio").asDouble());
                    djangoNowCell.put(
                            k,
                            PairedReport.x(r.path("ratio").asDouble())
                                    + (Double.isNaN(r.path("low").asDouble(Double.NaN))
                                            ? ""
                                            : " ["
                                                    + PairedReport.num(
                                                            r.path("low").asDouble()) + "–"
                                                    + PairedReport.num(
                                                            r.path("high").asDouble()) + "]"));
                }
            }
        }
        StringBuilder md = new StringBuilder();
        md.append("## What changed since the unpaired report\n\n");
        md.append("The request cycle (medium payload, 1 thread) in [")
                .append(old.getFileName())
                .append("](../")
                .append(old.getFileName())
                .append("/README.md) (one JVM per benchmark, the engine, its floor and its peers measured minutes ")
                .append("apart, ratios of means) and in this run (paired, medians with 95 % intervals). The previous ")
                .append("figures are withdrawn; these replace them.\n\n");
        md.append("| comparison | engine | previous | now | what changed |\n|---|---|---:|---:|---|\n");
        for (EngineType e : EngineType.values()) {
            Double oldCycle = means.get(e.name() + "/cycle");
            Double oldFloor = means.get(e.name() + "/floorCycle");
            Optional<Measured> m = now.get(new Cell(e, Operation.CYCLE, "FLOOR", Payload.MEDIUM, 1));
            if (oldCycle != null && oldFloor != null && m.isPresent()) {
                row(
                        md,
                        "against its floor",
                        e.label(),
                        PairedReport.x(oldCycle / oldFloor),
                        PairedReport.ratioCell(m.get()),
                        floorChange(e));
            }
            Double oldDjangoCycle = django.get(e.name() + "/cycle");
            if (oldCycle != null && oldDjangoCycle != null && djangoNow.containsKey(e.name() + "/cycle")) {
                row(
                        md,
                        "against Django",
                        e.label(),
                        PairedReport.x(oldCycle / oldDjangoCycle),
                        djangoNowCell.get(e.name() + "/cycle"),
                        djangoChange(e));
            }
        }
        for (PeerType p : PeerType.values()) {
            Double oldSatchel = means.get(p.satchel().name() + "/cycle");
            Double oldPeer = means.get(p.name() + "/cycle");
            Optional<Measured> m = now.get(new Cell(p.satchel(), Operation.CYCLE, p.name(), Payload.MEDIUM, 1));
            if (oldSatchel != null && oldPeer != null && m.isPresent()) {
                row(
                        md,
                        "against " + p.label(),
                        p.satchel().label(),
                        PairedReport.x(oldSatchel / oldPeer),
                        PairedReport.ratioCell(m.get()),
                        "paired; Spring driven as its filter drives it (the last access time saved on every request)"
                                + (p == PeerType.SPRING_REDIS ? "; Lettuce, Spring Boot's client (was Jedis)" : "")
                                + (p == PeerType.SPRING_MAP ? "; its map bounded like Satchel's Caffeine store" : ""));
            }
        }
        md.append('\n');
        return md.toString();
    }

    private static String floorChange(EngineType e) {
        String common = "paired in one JVM, 3 JVMs, medians"
                + (e.serverSide()
                        ? "; the floor now also encodes and decodes with Django's codec by hand (the store alone is"
                                + " the extra floor `raw`)"
                        : "");
        return switch (e) {
            case SIGNED_COOKIES ->
                common + "; the floor is now Django's own cookie codec (was HMAC + Jackson, which skips"
                        + " compression and Python's JSON)";
            case ENCRYPTED_COOKIES -> common + "; the floor writes and checks an issue time, as the engine does";
            case FILE -> common + "; the floor sets the file time before the fsync, as the engine does";
            case CACHE_CAFFEINE -> common + "; the floor expires each entry and is bounded like the engine's store";
            case DB_SQLITE ->
                common + "; the floor runs the engine's plain UPDATE with a fresh expire_date (was an"
                        + " upsert with a constant one) and prepares each statement once per connection, as the engine does";
            case DB_POSTGRES, DB_MARIADB ->
                common + "; the floor runs the engine's plain UPDATE with a fresh"
                        + " expire_date (was an upsert with a constant one, which spared the database the expire_date index)";
            case CACHED_DB ->
                common + "; the floor runs the engine's UPDATE with a fresh expire_date; the engine's save"
                        + " now also takes a cache lease before the statement (logout stays final), one more round trip";
            default -> common + "; the floor writes a fresh expiry on every save";
        };
    }

    private static String djangoChange(EngineType e) {
        String common = "paired rounds in alternation";
        return e == EngineType.CACHE_CAFFEINE
                ? common + "; Django's LocMemCache sized so it no longer culls the sessions under test (its cycle"
                        + " measured misses and creates)"
                : common;
    }

    private static void row(StringBuilder md, String what, String engine, String before, String now, String why) {
        md.append("| ")
                .append(what)
                .append(" | ")
                .append(engine)
                .append(" | ")
                .append(before)
                .append(" | ")
                .append(now)
                .append(" | ")
                .append(why)
                .append(" |\n");
    }

    /** The newest sibling {@code *-full} directory older than {@code dir}, paired or in the old, unpaired format. */
    private static Optional<Path> previousFull(Path dir, boolean paired) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        String self = dir.toAbsolutePath().getFileName().toString();
        if (parent == null || !Files.isDirectory(parent)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(parent)) {
            List<Path> older = s.filter(p -> p.getFileName().toString().endsWith("-full"))
                    .filter(p -> p.getFileName().toString().compareTo(self) < 0)
                    .filter(p -> Files.exists(p.resolve("jmh-result.json")))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString())
                            .reversed())
                    .toList();
            for (Path p : older) {
                if (PairedResults.read(p.resolve("jmh-result.json")).isEmpty() != paired) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }
}
