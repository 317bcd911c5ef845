package dev.satchel.bench;

import java.io.IOException;
import java.util.Collection;
import java.util.Locale;
import java.util.TreeMap;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * JMH's console output, which also marks every measurement iteration in {@link RunConditions} under
 * its cell's name ({@link #cellName}), so the steal of exactly the measured time of each cell is
 * known. JMH reports iterations to this output as they start and end, also from forked JVMs (then
 * over its link, so the marks land a few tens of milliseconds after the fork's own clock); warmup
 * iterations are not marked.
 */
public final class CellMarks implements OutputFormat {
    private final OutputFormat out;
    private final RunConditions conditions;
    private String marked;

    private CellMarks(OutputFormat out, RunConditions conditions) {
        this.out = out;
        this.conditions = conditions;
    }

    /** JMH's normal console output to {@code System.out}, marking cells in {@code conditions}. */
    public static OutputFormat console(RunConditions conditions) {
        return new CellMarks(OutputFormatFactory.createFormatInstance(System.out, VerboseMode.NORMAL), conditions);
    }

    /** How a cell is named: {@code PairedBenchmark.pair against=floor engine=FILE operation=CYCLE payload=MEDIUM
     * threads=1}. */
    public static String cellName(BenchmarkParams params) {
        String bench = params.getBenchmark();
        int method = bench.lastIndexOf('.');
        int type = bench.lastIndexOf('.', method - 1);
        StringBuilder name = new StringBuilder(bench.substring(type + 1));
        TreeMap<String, String> sorted = new TreeMap<>();
        for (String key : params.getParamsKeys()) {
            sorted.put(key, params.getParam(key));
        }
        sorted.forEach((k, v) -> name.append(' ').append(k).append('=').append(v));
        return name.append(String.format(Locale.ROOT, " threads=%d", params.getThreads()))
                .toString();
    }

    @Override
    public void iteration(BenchmarkParams benchParams, IterationParams params, int iteration) {
        if (params.getType() == IterationType.MEASUREMENT) {
            marked = cellName(benchParams);
            conditions.mark(marked);
        }
        out.iteration(benchParams, params, iteration);
    }

    @Override
    public void iterationResult(
            BenchmarkParams benchParams, IterationParams params, int iteration, IterationResult data) {
        unmarkIteration();
        out.iterationResult(benchParams, params, iteration, data);
    }

    @Override
    public void startBenchmark(BenchmarkParams benchParams) {
        out.startBenchmark(benchParams);
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        // An iteration that failed has no result: close its interval here.
        unmarkIteration();
        out.endBenchmark(result);
    }

    private void unmarkIteration() {
        if (marked != null) {
            conditions.unmark(marked);
            marked = null;
        }
    }

    @Override
    public void startRun() {
        out.startRun();
    }

    @Override
    public void endRun(Collection<RunResult> result) {
        out.endRun(result);
    }

    @Override
    public void print(String s) {
        out.print(s);
    }

    @Override
    public void println(String s) {
        out.println(s);
    }

    @Override
    public void flush() {
        out.flush();
    }

    /** Flushes only: JMH closes its output at the end of every run, and this one is {@code System.out}. */
    @Override
    public void close() {
        out.flush();
    }

    @Override
    public void verbosePrintln(String s) {
        out.verbosePrintln(s);
    }

    @Override
    public void write(int b) {
        out.write(b);
    }

    @Override
    public void write(byte[] b) throws IOException {
        out.write(b);
    }
}
