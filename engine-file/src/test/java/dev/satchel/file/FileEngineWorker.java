package dev.satchel.file;

import dev.satchel.SessionSettings;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.UpdateException;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionRecord;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * A child process for the crash and multi-process tests. Prints one line per acknowledged save
 * ({@code ack <key> <writer> <seq>}) after the save returned.
 *
 * <ul>
 *   <li>{@code crash <dir> <key>}: saves ever larger sequence numbers of a large session until killed;
 *   <li>{@code hammer <dir> <writer> <iterations> <key>...}: saves each key in turn, iterations times.
 * </ul>
 */
public final class FileEngineWorker {
    private FileEngineWorker() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
        FileSessionEngine engine = engine(args[1]);
        if (args[0].equals("crash")) {
            String key = args[2];
            for (long seq = 1; ; seq++) {
                engine.save(key, SessionRecord.of(engine.codec().encode(big(seq)), null), SaveMode.UPDATE);
                out.println("ack " + key + " crash " + seq);
            }
        }
        String writer = args[2];
        int iterations = Integer.parseInt(args[3]);
        for (int i = 1; i <= iterations; i++) {
            for (int k = 4; k < args.length; k++) {
                try {
                    engine.save(
                            args[k], SessionRecord.of(engine.codec().encode(small(writer, i)), null), SaveMode.UPDATE);
                    out.println("ack " + args[k] + " " + writer + " " + i);
                } catch (UpdateException | SessionStoreUnavailableException e) {
                    out.println("defined " + e.getClass().getSimpleName());
                }
            }
        }
        out.println("done");
        System.exit(0);
    }

    static FileSessionEngine engine(String dir) {
        SessionSettings settings = SessionSettings.builder()
                .secretKey(Fixture.SECRET)
                .engineProperty(FileSessionEngine.PATH, dir)
                .build();
        return new FileSessionEngine(EngineContext.of(settings, Clock.systemUTC()));
    }

    /** About 600 KB of incompressible text, determined by {@code seq}. */
    static Map<String, Object> big(long seq) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("seq", seq);
        data.put("blob", blob(seq));
        return data;
    }

    static String blob(long seq) {
        byte[] bytes = new byte[450_000];
        new Random(seq).nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    static Map<String, Object> small(String writer, long seq) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("writer", writer);
        data.put("seq", seq);
        return data;
    }
}
