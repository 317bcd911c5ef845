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
 * "What changed since the previous report": the headline ratios of the previous full run (its
 * files, in the unpaired format of 2026-11-22: ratios of JMH means) beside this run's paired
 * medians, with the change of method or fairness that moved each one.
 */
final class PreviousReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PreviousReport() {}

    static String render(Path dir, PairedResults now) throws IOException {
        Optional<Path> previous = previous(dir);
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
        md.append("## What changed since the previous report\n\n");
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
        String common = "paired in one JVM, 3 JVMs, medians";
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

    /** The newest sibling {@code *-full} directory older than {@code dir} in the old, unpaired format. */
    private static Optional<Path> previous(Path dir) throws IOException {
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
                if (PairedResults.read(p.resolve("jmh-result.json")).isEmpty()) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }
}
