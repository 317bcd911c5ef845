package dev.satchel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The report's section on the end-to-end comparison, written from {@value EndToEnd#FILE} alone: a
 * table of requests/s, the paired ratio and latency percentiles per store, then how the load was
 * driven and how sessions were checked.
 */
public final class EndToEndReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EndToEndReport() {}

    /** Whether {@code dir} holds the comparison's results. */
    public static boolean present(Path dir) {
        return Files.exists(dir.resolve(EndToEnd.FILE));
    }

    /** The section's Markdown, or a line saying it was not measured when {@code dir} has no results. */
    public static String render(Path dir) throws IOException {
        StringBuilder md = new StringBuilder("## End to end: one servlet app behind Satchel or Spring Session\n\n");
        if (!present(dir)) {
            return md.append("Not measured in this run (it needs wrk and Redis or PostgreSQL).\n\n")
                    .toString();
        }
        JsonNode root = JSON.readTree(dir.resolve(EndToEnd.FILE).toFile());
        JsonNode d = root.path("driver");
        md.append("The same servlet (a visit counter and a cart, written against `HttpSession`) on embedded ")
                .append("Jetty 12, served once behind Satchel's `SessionFilter` and once behind Spring Session's ")
                .append("`SessionRepositoryFilter`, on the same store. Both keep cookie sessions for ")
                .append(d.path("sessionAgeSeconds").asLong())
                .append(" s (Satchel's cookie age; Spring's max inactive interval and cookie max-age). Driven ")
                .append("over loopback by `")
                .append(d.path("version").asText())
                .append("` with `-t")
                .append(d.path("threads").asInt())
                .append(" -c")
                .append(d.path("connections").asInt())
                .append("`: wrk keeps one Lua state per thread, so each thread drives one connection and is one ")
                .append("user, who keeps the session cookie it is given and sends ")
                .append(d.path("mix").asText())
                .append(" (the cart keeps the last ")
                .append(d.path("cartCap").asInt())
                .append(" items). Jetty, the store's server and wrk share the machine's ")
                .append(d.path("cores").asInt())
                .append(" cores. After a ")
                .append(d.path("warmupSeconds").asInt())
                .append(" s warm-up of each side, ")
                .append(d.path("pairs").asInt())
                .append(" pair(s) of ")
                .append(d.path("runSeconds").asInt())
                .append(" s runs in ")
                .append(d.path("order").asText())
                .append(" order; the ratio is Satchel's requests/s over Spring Session's in each pair: median ")
                .append("[95 % interval]. req/s and latencies are medians over the runs; latencies are wrk's ")
                .append("percentiles (closed loop: from a request written to its response read).\n\n");
        md.append("| store | Satchel req/s | Spring Session req/s | ratio [95 %] | Satchel p50 / p99 / p99.9 (ms) "
                        + "| Spring p50 / p99 / p99.9 (ms) | non-2xx | sessions kept |\n")
                .append("|---|---:|---:|---|---:|---:|---:|---|\n");
        for (JsonNode s : root.path("stores")) {
            if (!s.path("error").isNull() && !s.path("error").isMissingNode()) {
                md.append("| ")
                        .append(s.path("label").asText())
                        .append(" | – | – | failed: ")
                        .append(s.path("error").asText().replace("|", "\\|"))
                        .append(" | – | – | – | – |\n");
                continue;
            }
            JsonNode a = s.path("satchel");
            JsonNode b = s.path("spring");
            long non2xx =
                    a.path("statusErrors").asLong() + b.path("statusErrors").asLong();
            long other = a.path("non200").asLong()
                    + b.path("non200").asLong()
                    + a.path("socketErrors").asLong()
                    + b.path("socketErrors").asLong();
            md.append("| ")
                    .append(s.path("label").asText())
                    .append(" | ")
                    .append(Report.fmt(a.path("perSecond").asDouble(Double.NaN), 0))
                    .append(" | ")
                    .append(Report.fmt(b.path("perSecond").asDouble(Double.NaN), 0))
                    .append(" | ")
                    .append(ratio(s))
                    .append(" | ")
                    .append(latencies(a))
                    .append(" | ")
                    .append(latencies(b))
                    .append(" | ")
                    .append(non2xx)
                    .append(other > non2xx ? " (" + other + " not 200 or socket errors)" : "")
                    .append(" | ")
                    .append(kept(a) && kept(b) ? "yes" : "**no**")
                    .append(" |\n");
        }
        md.append('\n');
        for (JsonNode s : root.path("stores")) {
            md.append("- ")
                    .append(s.path("label").asText())
                    .append(": Satchel runs ")
                    .append(s.path("satchel").path("label").asText())
                    .append("; Spring Session runs ")
                    .append(s.path("spring").path("label").asText())
                    .append(". Requests measured: ")
                    .append(String.format(
                            Locale.ROOT,
                            "%,d",
                            s.path("satchel").path("requests").asLong()))
                    .append(" and ")
                    .append(String.format(
                            Locale.ROOT,
                            "%,d",
                            s.path("spring").path("requests").asLong()))
                    .append(".\n");
        }
        md.append("\nSessions kept: every answer is checked by the user that got it (each visit count is the ")
                .append("user's previous one plus one, each cart holds as many items as the user added, up to the ")
                .append("cap) and each user is given one session cookie only. Spring Session writes the last ")
                .append("access time on every request, reads included; Satchel, as Django, saves only a ")
                .append("modified session (here on /visit and /cart/add).\n\n");
        return md.toString();
    }

    private static boolean kept(JsonNode side) {
        return side.path("sessionsKept").asBoolean(false);
    }

    private static String ratio(JsonNode s) {
        double low = s.path("low").asDouble(Double.NaN);
        double high = s.path("high").asDouble(Double.NaN);
        String interval = Double.isNaN(low) || Double.isNaN(high)
                ? "[too few pairs for an interval: " + s.path("pairs").asInt() + "]"
                : String.format(Locale.ROOT, "[%.2f–%.2f]", low, high);
        return Report.x(s.path("ratio").asDouble(Double.NaN)) + " " + interval;
    }

    private static String latencies(JsonNode side) {
        return ms(side.path("p50Micros")) + " / " + ms(side.path("p99Micros")) + " / " + ms(side.path("p999Micros"));
    }

    private static String ms(JsonNode micros) {
        double v = micros.asDouble(Double.NaN) / 1000;
        return String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v);
    }
}
