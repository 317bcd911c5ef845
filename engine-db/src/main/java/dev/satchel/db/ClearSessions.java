package dev.satchel.db;

import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.SessionStoreUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * Django's {@code manage.py clearsessions} for Satchel: opens the configured engine (any engine, not
 * only {@code db}) and deletes its expired sessions.
 *
 * <pre>
 * java -cp ... dev.satchel.db.ClearSessions [satchel.properties]
 * java -Dsatchel.secret-key=... -Dsatchel.db.url=jdbc:postgresql://... -cp ... dev.satchel.db.ClearSessions
 * </pre>
 *
 * <p>Settings come from the optional properties file, then from {@code -Dsatchel.*} system
 * properties, which win. It prints {@code Removed N expired sessions.}, or, for an engine whose store
 * expires sessions by itself, {@code Session engine '<name>' expires sessions by itself; nothing to
 * clear.}
 *
 * <p>Exit codes (from BSD {@code sysexits.h}):
 *
 * <ul>
 *   <li>{@value #OK}: done (expired sessions removed, or nothing to clear for this engine);
 *   <li>{@value #USAGE}: wrong arguments;
 *   <li>{@value #NO_INPUT}: the properties file cannot be read;
 *   <li>{@value #UNAVAILABLE}: the session store cannot be reached ({@link
 *       SessionStoreUnavailableException}); running again later may succeed;
 *   <li>{@value #SOFTWARE}: an unexpected error;
 *   <li>{@value #CONFIG}: invalid settings or an unknown engine.
 * </ul>
 */
public final class ClearSessions {
    /** Done. */
    public static final int OK = 0;
    /** Wrong arguments. */
    public static final int USAGE = 64;
    /** The properties file cannot be read. */
    public static final int NO_INPUT = 66;
    /** The store cannot be reached. */
    public static final int UNAVAILABLE = 69;
    /** An unexpected error. */
    public static final int SOFTWARE = 70;
    /** Invalid settings or an unknown engine. */
    public static final int CONFIG = 78;

    private static final String USAGE_TEXT = "Usage: ClearSessions [settings.properties]\n"
            + "  Deletes expired sessions of the configured Satchel engine, like Django's clearsessions.\n"
            + "  Settings: satchel.* keys from the file, overridden by -Dsatchel.* system properties.";

    private ClearSessions() {}

    /** Runs the command and exits the JVM with its exit code. */
    public static void main(String[] args) {
        System.exit(run(args, System.getProperties(), System.out, System.err));
    }

    /**
     * Runs the command in-process.
     *
     * @param args at most one argument: the path of a properties file
     * @param overrides properties whose {@code satchel.*} keys override the file (usually the system
     *     properties)
     * @return the exit code
     */
    public static int run(String[] args, Properties overrides, PrintStream out, PrintStream err) {
        if (args.length > 1 || (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help")))) {
            (args.length > 1 ? err : out).println(USAGE_TEXT);
            return args.length > 1 ? USAGE : OK;
        }
        Properties props = new Properties();
        if (args.length == 1) {
            Path file = Path.of(args[0]);
            try (InputStream in = Files.newInputStream(file)) {
                props.load(in);
            } catch (IOException e) {
                err.println("Cannot read the settings file " + file + ": " + e);
                return NO_INPUT;
            }
        }
        for (String name : overrides.stringPropertyNames()) {
            if (name.startsWith("satchel.")) {
                props.setProperty(name, overrides.getProperty(name));
            }
        }
        try {
            SessionSettings settings = SessionSettings.fromProperties(props);
            try (SessionManager sessions = SessionManager.open(settings)) {
                OptionalLong removed = sessions.clearExpired();
                if (removed.isPresent()) {
                    out.println("Removed " + removed.getAsLong() + " expired sessions.");
                } else {
                    out.println(
                            "Session engine '" + settings.engine() + "' expires sessions by itself; nothing to clear.");
                }
                return OK;
            }
        } catch (SessionConfigurationException e) {
            err.println(e.getMessage());
            return CONFIG;
        } catch (SessionStoreUnavailableException e) {
            err.println(e.getMessage());
            return UNAVAILABLE;
        } catch (RuntimeException e) {
            err.println("clearsessions failed: " + e);
            return SOFTWARE;
        }
    }
}
