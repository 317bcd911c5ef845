package dev.satchel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.runner.options.Options;

/**
 * The JVMs of a run and their flags: the host JVM (which runs the round-trip, expiry and parallel
 * measurements and JMH itself) as it sees itself, and the JMH forks (which run every JMH cell) as
 * JMH will start them. The forks' collector is found by starting the same {@code java} with the
 * forks' {@code -X} options and {@code -XX:+PrintFlagsFinal}, so it is the one the JVM's ergonomics
 * pick on this machine, not a guess.
 */
public record JvmFlags(
        String javaHome,
        List<String> hostInputArguments,
        List<String> hostCollectors,
        long hostMaxHeapMiB,
        List<String> forkJvmArgs,
        String forkCollector,
        Long forkMaxHeapMiB,
        String forkFlagsSource) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern FLAG = Pattern.compile("^\\s*\\S+\\s+(\\w+)\\s+:?=\\s+(\\S+)");
    private static final List<String> COLLECTORS =
            List.of("UseSerialGC", "UseParallelGC", "UseG1GC", "UseZGC", "UseShenandoahGC", "UseEpsilonGC");

    /**
     * The host JVM now, and the forks as JMH starts them with {@code options} ({@code null}: this run
     * starts no JMH fork).
     */
    public static JvmFlags describe(Options options) {
        List<String> host = ManagementFactory.getRuntimeMXBean().getInputArguments();
        List<String> collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName)
                .toList();
        long hostHeap = Runtime.getRuntime().maxMemory() / (1024 * 1024);
        String javaHome = System.getProperty("java.home");
        if (options == null || options.getForkCount().orElse(1) == 0) {
            return new JvmFlags(javaHome, host, collectors, hostHeap, List.of(), null, null, "no JMH fork in this run");
        }
        List<String> fork = forkJvmArgs(options, host);
        Map<String, String> read = Map.of();
        String source;
        try {
            read = printFlagsFinal(javaHome, fork);
            source = "java -XX:+PrintFlagsFinal with the forks' -X options";
        } catch (IOException | RuntimeException e) {
            source = "java -XX:+PrintFlagsFinal failed: " + e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            source = "java -XX:+PrintFlagsFinal interrupted";
        }
        Map<String, String> flags = read;
        String collector = COLLECTORS.stream()
                .filter(c -> "true".equals(flags.get(c)))
                .findFirst()
                .map(c -> c.substring(3, c.length() - 2))
                .orElse(null);
        String heap = flags.get("MaxHeapSize");
        return new JvmFlags(
                javaHome,
                host,
                collectors,
                hostHeap,
                fork,
                collector,
                heap == null ? null : Long.parseLong(heap) / (1024 * 1024),
                source);
    }

    /**
     * The arguments JMH gives a forked JVM: its prepended ones, then the explicit {@code jvmArgs} or,
     * without them, the host JVM's own input arguments, then the appended ones.
     */
    static List<String> forkJvmArgs(Options options, List<String> hostInputArguments) {
        List<String> args = new ArrayList<>();
        if (options.getJvmArgsPrepend().hasValue()) {
            args.addAll(options.getJvmArgsPrepend().get());
        }
        Collection<String> middle =
                options.getJvmArgs().hasValue() ? options.getJvmArgs().get() : hostInputArguments;
        args.addAll(middle);
        if (options.getJvmArgsAppend().hasValue()) {
            args.addAll(options.getJvmArgsAppend().get());
        }
        return args;
    }

    /** The final values of every flag of {@code java} started with the {@code -X} options of {@code args}. */
    static Map<String, String> printFlagsFinal(String javaHome, List<String> args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(javaHome, "bin", "java").toString());
        args.stream().filter(a -> a.startsWith("-X")).forEach(cmd::add);
        cmd.add("-XX:+PrintFlagsFinal");
        cmd.add("-version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("java -XX:+PrintFlagsFinal did not finish in 30 s");
        }
        return parseFlags(out);
    }

    /** Parses {@code -XX:+PrintFlagsFinal} output ({@code "     bool UseG1GC   = true   {product} {ergonomic}"}). */
    static Map<String, String> parseFlags(String printFlagsFinal) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String line : printFlagsFinal.split("\\R")) {
            Matcher m = FLAG.matcher(line);
            if (m.find()) {
                flags.put(m.group(1), m.group(2));
            }
        }
        return flags;
    }

    /** Writes this as indented JSON. */
    public void write(Path file) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), this);
    }

    /** Reads a file written by {@link #write}. */
    public static JvmFlags read(Path file) throws IOException {
        return JSON.readValue(file.toFile(), JvmFlags.class);
    }
}
