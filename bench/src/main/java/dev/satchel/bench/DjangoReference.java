package dev.satchel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The comparison with Django's own engines: each Satchel engine paired with its Django counterpart
 * ({@link DjangoBackend}), both timed in alternating rounds ({@link DjangoPairs}) with Django running in
 * a child {@code python3} ({@link DjangoProcess}) when Debian's {@code python3-django} is installed.
 * {@link #measure} writes {@code django.json} (every pair's raw figures and the summaries); {@link
 * #section} turns it into the report's section.
 */
public final class DjangoReference {
    /** The file {@link #measure} writes in the report directory. */
    public static final String FILE = "django.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private DjangoReference() {}

    /** An engine of the run that has no Django row, and why. */
    record Skipped(String engine, String reason) {}

    /** What {@code django.json} holds. */
    record Results(
            String django,
            String python,
            String mode,
            int pairs,
            long roundMillis,
            long warmupMillis,
            int sessions,
            long seconds,
            List<DjangoPairs.Cell> results,
            List<Skipped> skipped) {}

    /** Pairs every engine of {@code plan} with Django, sized for its mode, and writes {@code out}; or explains why not. */
    public static void measure(BenchMain.Plan plan, Path out) throws IOException {
        measure(plan.engines(), plan.mode(), DjangoPairs.Plan.of(plan.mode()), out);
    }

    /**
     * Pairs each of {@code engines} that has a Django counterpart and whose servers answer, {@code
     * sizes} pairs of rounds per operation, and writes the results to {@code out} (nothing when
     * python3-django is missing).
     */
    static void measure(Set<EngineType> engines, String mode, DjangoPairs.Plan sizes, Path out) throws IOException {
        if (!DjangoProcess.installed()) {
            System.out.println("skipping the Django reference: python3-django is not installed"
                    + " (apt-get install -y python3-django, or scripts/test-deps)");
            return;
        }
        long started = System.nanoTime();
        List<DjangoBackend> backends = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (EngineType e : EngineType.values()) {
            if (!engines.contains(e)) {
                continue;
            }
            var backend = DjangoBackend.of(e);
            if (backend.isEmpty()) {
                skipped.add(new Skipped(e.name(), "no Django counterpart"));
            } else if (!e.available()) {
                skipped.add(new Skipped(e.name(), "its server does not answer"));
            } else {
                backends.add(backend.get());
            }
        }
        Path work = Files.createTempDirectory("satchel-django-reference-");
        String prefix = "djbench" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        System.out.printf(
                Locale.ROOT,
                "Django reference: %s pairs of %d ms rounds per operation, %s%n",
                sizes.pairs(),
                sizes.round().toMillis(),
                backends);
        List<DjangoPairs.Cell> cells = new ArrayList<>();
        String django;
        String python;
        try (DjangoProcess process = DjangoProcess.start(work, prefix)) {
            django = process.django();
            python = process.python();
            for (DjangoBackend b : backends) {
                cells.addAll(DjangoPairs.measure(b, process, sizes));
            }
        } catch (IOException e) {
            // The rest of the benchmark goes on; the report says the reference was not measured.
            System.err.println("the Django reference could not run: " + e.getMessage() + "; not reported");
            Files.deleteIfExists(out);
            return;
        } finally {
            delete(work);
        }
        Results results = new Results(
                django,
                python,
                mode,
                sizes.pairs(),
                sizes.round().toMillis(),
                sizes.warmup().toMillis(),
                DjangoPairs.SLOTS,
                (System.nanoTime() - started) / 1_000_000_000L,
                cells,
                skipped);
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), results);
        System.out.println("Django reference done in " + results.seconds() + " s");
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * The report's section "Against Django": one row per engine, operation and payload with both
     * sides' ops/s and the median ratio with its interval, from {@code reportDir/django.json}; a
     * sentence saying it was not measured when that file is absent.
     */
    public static String section(Path reportDir) {
        JsonNode ref;
        try {
            Path file = reportDir.resolve(FILE);
            ref = Files.exists(file) ? JSON.readTree(file.toFile()) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder md = new StringBuilder("## Against Django (reference)\n\n");
        if (ref == null || !ref.has("results")) {
            return md.append("Not measured in this run: Debian's `python3-django` is not installed ")
                    .append("(`scripts/test-deps` installs it), or the reference script could not run.\n\n")
                    .toString();
        }
        if (!ref.has("pairs")) {
            return md.append("This run's `django.json` comes from the earlier, unpaired reference script; ")
                    .append("its figures are not shown beside paired ones.\n\n")
                    .toString();
        }
        long misses = 0;
        long hits = 0;
        boolean fsyncRow = false;
        boolean brokenSatchel = false;
        for (JsonNode c : ref.path("results")) {
            misses += c.path("djangoMisses").asLong();
            hits += c.path("djangoHits").asLong();
            fsyncRow |= c.path("djangoSkipsFsync").asBoolean();
            brokenSatchel |=
                    c.path("error").isNull() && !c.path("satchelSessionsIntact").asBoolean();
        }
        md.append("Django ")
                .append(ref.path("django").asText())
                .append(" on Python ")
                .append(ref.path("python").asText())
                .append(", run by `django/reference.py` (in the bench jar) as a child process. Satchel (in the ")
                .append("benchmark's JVM) and Django take turns doing the same operation on ")
                .append(ref.path("sessions").asInt())
                .append(" prepared sessions, in rounds of ")
                .append(ref.path("roundMillis").asLong())
                .append(" ms: Satchel then Django, then Django then Satchel, and so on, after one ")
                .append(ref.path("warmupMillis").asLong())
                .append(" ms warm-up round each. Each pair of rounds gives one ratio, Satchel ops/s ÷ Django ops/s; ")
                .append("the ratio column is the median over the pairs with its 95 % order-statistics interval ")
                .append("(none below 6 pairs), the ops/s columns the median of each side's rounds. One thread ")
                .append("each. Django uses its JSON serializer; its `cache` engine pickles the session and does ")
                .append("not sign it (Satchel's stores the signed encoding); database connections stay open for ")
                .append("the whole run on both sides. The sessions each create round stores are deleted after ")
                .append("it on both sides (untimed). Django's load and cycle rounds found the session ")
                .append(hits)
                .append(" times and missed it ")
                .append(misses)
                .append(" times.\n\n");
        md.append("| Satchel engine | Django engine | operation | payload | Satchel ops/s | Django ops/s ")
                .append("| ratio: median [95 % interval], pairs |\n")
                .append("|---|---|---|---|---:|---:|---|\n");
        for (JsonNode c : ref.path("results")) {
            md.append("| ")
                    .append(c.path("satchel").asText())
                    .append(" | ")
                    .append(c.path("django").asText())
                    .append(c.path("djangoSkipsFsync").asBoolean() ? " †" : "")
                    .append(" | ")
                    .append(c.path("operation").asText())
                    .append(" | ")
                    .append(c.path("payload").asText().toLowerCase(Locale.ROOT))
                    .append(" | ");
            if (!c.path("error").isNull()) {
                md.append("– | – | not measured: ")
                        .append(c.path("error").asText().replace('|', '/'))
                        .append(" |\n");
                continue;
            }
            md.append(ops(c.path("satchelOpsPerSecond").asDouble()))
                    .append(c.path("satchelSessionsIntact").asBoolean() ? "" : " ‡")
                    .append(" | ")
                    .append(ops(c.path("djangoOpsPerSecond").asDouble()))
                    .append(
                            c.path("djangoMisses").asLong() > 0
                                    ? " (" + c.path("djangoMisses").asLong() + " misses)"
                                    : "")
                    .append(" | ")
                    .append(ratio(c))
                    .append(" |\n");
        }
        md.append('\n');
        if (fsyncRow) {
            md.append("† Django's `file` backend renames a temporary file into place without fsync; Satchel's ")
                    .append("forces the file and the directory to disk, so these rows compare a durable write with ")
                    .append("one that is not.\n\n");
        }
        if (brokenSatchel) {
            md.append("‡ After these rounds a prepared Satchel session no longer loaded: the figure may include ")
                    .append("misses.\n\n");
        }
        for (JsonNode s : ref.path("skipped")) {
            md.append("- ")
                    .append(EngineType.valueOf(s.path("engine").asText()).label())
                    .append(": not compared (")
                    .append(s.path("reason").asText())
                    .append(").\n");
        }
        if (!ref.path("skipped").isEmpty()) {
            md.append('\n');
        }
        return md.toString();
    }

    private static String ops(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    private static String ratio(JsonNode c) {
        double low = c.path("low").asDouble(Double.NaN);
        double high = c.path("high").asDouble(Double.NaN);
        String interval =
                Double.isNaN(low) || Double.isNaN(high) ? "[–]" : String.format(Locale.ROOT, "[%.2f–%.2f]", low, high);
        return String.format(
                Locale.ROOT,
                "%.2f× %s, %d",
                c.path("ratio").asDouble(),
                interval,
                c.path("pairs").asInt());
    }
}
