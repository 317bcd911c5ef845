package dev.satchel.db;

import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.UpdateException;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A child process for {@link SqliteProcessTest}, writing to a SQLite file another process also
 * uses. Prints one line per save after it returned: {@code ack <key> <writer> <version>}; in crash mode
 * also one line before each save starts: {@code begin <key> crash <version>}.
 *
 * <ul>
 *   <li>{@code crash <url> <key> <first-version>}: saves ever larger versions of one session until killed;
 *   <li>{@code hammer <url> <writer> <iterations> <key>...}: saves each key in turn; a named refusal prints
 *       {@code refused <exception>}, anything else {@code undefined <exception>} and exit code 1.
 * </ul>
 */
public final class SqliteWorker {
    private SqliteWorker() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
        DbSessionEngine engine = engine(args[1]);
        if (args[0].equals("crash")) {
            String key = args[2];
            for (long version = Long.parseLong(args[3]); ; version++) {
                out.println("begin " + key + " crash " + version);
                engine.save(key, record(engine, "crash", version, 8_000), SaveMode.UPDATE);
                out.println("ack " + key + " crash " + version);
            }
        }
        String writer = args[2];
        int iterations = Integer.parseInt(args[3]);
        int status = 0;
        for (long i = 1; i <= iterations; i++) {
            for (int k = 4; k < args.length; k++) {
                try {
                    engine.save(args[k], record(engine, writer, i, 200), SaveMode.UPDATE);
                    out.println("ack " + args[k] + " " + writer + " " + i);
                } catch (UpdateException | SessionStoreUnavailableException e) {
                    out.println("refused " + e.getClass().getSimpleName() + ": " + e.getMessage());
                } catch (RuntimeException e) {
                    out.println("undefined " + e);
                    status = 1;
                }
            }
        }
        out.println("done");
        engine.close();
        System.exit(status);
    }

    static DbSessionEngine engine(String url) {
        return DbSessionEngine.builder(TestDb.context(Clock.systemUTC()))
                .settings(DbSettings.builder()
                        .url(url)
                        .timeout(Duration.ofSeconds(10))
                        .build())
                .build();
    }

    /** A session holding the writer, the version and {@code size} characters derived from both. */
    static SessionRecord record(DbSessionEngine engine, String writer, long version, int size) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("writer", writer);
        data.put("n", version);
        data.put("blob", blob(writer, version, size));
        return SessionRecord.of(
                engine.codec().encode(data), Clock.systemUTC().instant().plus(Duration.ofHours(1)));
    }

    static String blob(String writer, long version, int size) {
        StringBuilder sb = new StringBuilder(size);
        long x = version * 31 + writer.hashCode();
        while (sb.length() < size) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            sb.append(Long.toHexString(x));
        }
        return sb.substring(0, size);
    }
}
