package dev.satchel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The sections measured one side at a time: latency percentiles and allocation per operation
 * ({@code latency.json}, {@link SoloBenchmark} with JMH's GC profiler) and the codec alone ({@code
 * codec.json}, {@link CodecBenchmark}).
 */
final class SoloReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SoloReport() {}

    static String render(Path dir) throws IOException {
        StringBuilder md = new StringBuilder();
        latency(dir.resolve("latency.json"), md);
        codec(dir.resolve("codec.json"), md);
        return md.toString();
    }

    private static void latency(Path file, StringBuilder md) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        JsonNode results = JSON.readTree(file.toFile());
        md.append("## Latency and allocation per operation (medium payload, 1 thread)\n\n");
        md.append("JMH `SampleTime` (each call timed; one JVM, ")
                .append(
                        results.isEmpty()
                                ? "–"
                                : results.get(0).path("measurementIterations").asInt())
                .append(" × 1 s after a warm-up) with JMH's GC profiler for the bytes allocated per operation. ")
                .append("One side at a time, so not paired: read these for the shape of the distribution, and ")
                .append("the ratios above for comparisons.\n\n");
        md.append("| engine | side | operation | p50 µs | p99 µs | p99.9 µs | samples | bytes allocated / op |\n")
                .append("|---|---|---|---:|---:|---:|---:|---:|\n");
        for (JsonNode r : results) {
            JsonNode p = r.path("params");
            JsonNode pm = r.path("primaryMetric");
            JsonNode pct = pm.path("scorePercentiles");
            String side = p.path("side").asText();
            JsonNode alloc = r.path("secondaryMetrics").path("gc.alloc.rate.norm");
            if (alloc.isMissingNode()) {
                alloc = r.path("secondaryMetrics").path("·gc.alloc.rate.norm");
            }
            md.append("| ")
                    .append(EngineType.valueOf(p.path("engine").asText()).label())
                    .append(" | ")
                    .append(side.equals("SATCHEL") ? "Satchel" : peer(side))
                    .append(" | ")
                    .append(p.path("operation").asText().toLowerCase(Locale.ROOT))
                    .append(" | ")
                    .append(PairedReport.micros(pct.path("50.0").asDouble()))
                    .append(" | ")
                    .append(PairedReport.micros(pct.path("99.0").asDouble()))
                    .append(" | ")
                    .append(PairedReport.micros(pct.path("99.9").asDouble()))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%,d", sampleCount(pm)))
                    .append(" | ")
                    .append(
                            alloc.isMissingNode()
                                    ? "–"
                                    : String.format(
                                            Locale.ROOT,
                                            "%,.0f",
                                            alloc.path("score").asDouble()))
                    .append(" |\n");
        }
        md.append('\n');
    }

    private static long sampleCount(JsonNode pm) {
        long n = 0;
        for (JsonNode fork : pm.path("rawDataHistogram")) {
            for (JsonNode iteration : fork) {
                for (JsonNode bucket : iteration) {
                    n += bucket.get(1).asLong();
                }
            }
        }
        return n;
    }

    private static String peer(String name) {
        try {
            return PeerType.valueOf(name).label();
        } catch (IllegalArgumentException e) {
            return name.toLowerCase(Locale.ROOT);
        }
    }

    private static void codec(Path file, StringBuilder md) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        JsonNode results = JSON.readTree(file.toFile());
        md.append("## Django's format alone\n\n");
        md.append("What every load (`codecLoad`: verify, decompress, parse) and save (`codecSave`: serialize, ")
                .append("compress when it shrinks, sign) pays besides the I/O, on each engine's codec (every ")
                .append("server-side engine shares the Caffeine engine's). One JVM, throughput; not paired.\n\n");
        md.append("| codec of | payload | operation | ops/s | µs/op |\n|---|---|---|---:|---:|\n");
        for (JsonNode r : results) {
            JsonNode p = r.path("params");
            String bench = r.path("benchmark").asText();
            double ops = r.path("primaryMetric").path("score").asDouble();
            md.append("| ")
                    .append(EngineType.valueOf(p.path("engine").asText()).label())
                    .append(" | ")
                    .append(p.path("payload").asText().toLowerCase(Locale.ROOT))
                    .append(" | ")
                    .append(bench.substring(bench.lastIndexOf('.') + 1))
                    .append(" | ")
                    .append(PairedReport.ops(ops))
                    .append(" | ")
                    .append(PairedReport.micros(1e6 / ops))
                    .append(" |\n");
        }
        md.append('\n');
    }
}
