package dev.satchel.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The reference column: Django's own engines timed on the same payloads by a Python script ({@code
 * django/reference.py} in this jar), when Debian's {@code python3-django} is installed. Skipped with a
 * message otherwise; the report then says it was not measured.
 */
public final class DjangoReference {
    private static final String PYTHON = "/usr/bin/python3";

    private DjangoReference() {}

    /** Runs the script and writes its JSON to {@code out}, or explains why not. */
    public static void measure(BenchMain.Plan plan, Path out) throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON)) || run(List.of(PYTHON, "-c", "import django"), 30, false) != 0) {
            System.out.println("skipping the Django reference: python3-django is not installed"
                    + " (apt-get install -y python3-django, or scripts/test-deps)");
            return;
        }
        Path work = Files.createTempDirectory("satchel-django-reference-");
        try {
            Path script = work.resolve("reference.py");
            copy("/django/reference.py", script);
            for (Payload p : Payload.values()) {
                copy("/payloads/" + p.file(), work.resolve(p.file()));
            }
            double seconds =
                    switch (plan.mode()) {
                        case "full" -> 1.0;
                        case "quick" -> 0.2;
                        default -> 0.02; // the CI smoke run: only that it works
                    };
            System.out.println("Django reference: " + PYTHON + " reference.py, " + seconds + " s per measurement");
            int status = run(
                    List.of(
                            PYTHON,
                            script.toString(),
                            work.toString(),
                            String.format(Locale.ROOT, "%.2f", seconds),
                            out.toString()),
                    1800,
                    true);
            if (status != 0) {
                System.err.println("the Django reference script failed (exit " + status + "); not reported");
                Files.deleteIfExists(out);
            }
        } finally {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void copy(String resource, Path to) throws IOException {
        try (InputStream in = DjangoReference.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static int run(List<String> command, int timeoutSeconds, boolean showOutput)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (showOutput) {
            pb.inheritIO();
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
