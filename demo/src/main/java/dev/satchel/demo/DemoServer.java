package dev.satchel.demo;

import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.auth.SessionAuth;
import dev.satchel.servlet.SessionFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Properties;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.servlet.ServletMapping;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo web app on embedded Jetty 12: the session tutorials' pages behind Satchel's {@link
 * SessionFilter}. Run it with a properties file of {@code satchel.*} settings (the engine among them)
 * plus the demo's own {@code satchel.demo.*} keys:
 *
 * <pre>
 * satchel.demo.host=127.0.0.1                 the address to listen on
 * satchel.demo.port=8000                      0 picks a free port
 * satchel.demo.users-url=jdbc:sqlite:demo-users.sqlite3
 * satchel.demo.password-iterations=1000000    PBKDF2 iterations for new passwords (at least 100000)
 * </pre>
 */
public final class DemoServer implements AutoCloseable {
    /** The setting for the listening address. */
    public static final String HOST = "satchel.demo.host";
    /** The setting for the port. */
    public static final String PORT = "satchel.demo.port";
    /** The setting for the JDBC URL of the users' database. */
    public static final String USERS_URL = "satchel.demo.users-url";
    /** The setting for the PBKDF2 iteration count. */
    public static final String PASSWORD_ITERATIONS = "satchel.demo.password-iterations";
    /** The configuration file read when none is given. */
    public static final String DEFAULT_CONFIG = "demo/satchel-demo.properties";

    private static final String DEMO_PREFIX = "satchel.demo.";
    private static final Logger LOG = LoggerFactory.getLogger(DemoServer.class);

    private final Server jetty;
    private final SessionManager sessions;
    private final UserStore users;
    private final URI baseUri;

    private DemoServer(Server jetty, SessionManager sessions, UserStore users, URI baseUri) {
        this.jetty = jetty;
        this.sessions = sessions;
        this.users = users;
        this.baseUri = baseUri;
    }

    /**
     * Opens the session engine and the users' database and starts serving.
     *
     * @throws SessionConfigurationException if a {@code satchel.*} setting is wrong, naming it
     */
    public static DemoServer start(Properties config) throws Exception {
        Properties satchel = new Properties();
        for (String name : config.stringPropertyNames()) {
            if (!name.startsWith(DEMO_PREFIX)) {
                satchel.setProperty(name, config.getProperty(name));
            }
        }
        SessionSettings settings = SessionSettings.fromProperties(satchel);
        String host = config.getProperty(HOST, "127.0.0.1").strip();
        int port = intSetting(config, PORT, 8000);
        int iterations = intSetting(config, PASSWORD_ITERATIONS, Passwords.DEFAULT_ITERATIONS);
        String usersUrl =
                config.getProperty(USERS_URL, "jdbc:sqlite:demo-users.sqlite3").strip();
        createParentDirectory(usersUrl);
        settings.engineProperty("satchel.db.url").ifPresent(DemoServer::createParentDirectory);
        // The file engine creates its session directory itself, private (0700); only its parent is made here.
        settings.engineProperty("satchel.file.path").ifPresent(dir -> {
            Path parent = Path.of(dir.strip()).toAbsolutePath().getParent();
            if (parent != null) {
                createDirectories(parent);
            }
        });

        Passwords passwords = new Passwords(iterations);
        SessionManager sessions = SessionManager.open(settings);
        UserStore users = null;
        Server jetty = new Server();
        try {
            users = new UserStore(usersUrl);
            Accounts accounts =
                    new Accounts(users, passwords, new SessionAuth(settings), settings.cookieAge(), sessions.clock());
            DemoApp app = new DemoApp(sessions, accounts, sessions.engine().name());

            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
            connector.setHost(host);
            connector.setPort(port);
            jetty.addConnector(connector);

            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            context.addFilter(new FilterHolder(new SessionFilter(sessions)), "/*", EnumSet.of(DispatcherType.REQUEST));
            ServletHandler handler = context.getServletHandler();
            mount(handler, "tutorial", new TutorialServlet(app), "/", "/about", "/reset");
            mount(
                    handler,
                    "session-views",
                    new SessionViewsServlet(app),
                    "/session/create",
                    "/session/access",
                    "/session/delete");
            mount(handler, "accounts", new AccountServlet(app), "/signup", "/login", "/logout");
            mount(handler, "tasks", new TasksServlet(app), "/tasks");
            mount(handler, "cart", new CartServlet(app), "/cart", "/cart/add");
            jetty.setHandler(context);
            jetty.setStopTimeout(2_000);
            jetty.start();

            String shownHost = host.isEmpty() || host.equals("0.0.0.0") ? "127.0.0.1" : host;
            URI base = URI.create("http://" + (shownHost.contains(":") ? "[" + shownHost + "]" : shownHost) + ":"
                    + connector.getLocalPort() + "/");
            return new DemoServer(jetty, sessions, users, base);
        } catch (Exception | Error e) {
            try {
                jetty.stop();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            if (users != null) {
                users.close();
            }
            sessions.close();
            throw e;
        }
    }

    private static void mount(ServletHandler handler, String name, HttpServlet servlet, String... paths) {
        ServletHolder holder = new ServletHolder(name, servlet);
        handler.addServlet(holder);
        ServletMapping mapping = new ServletMapping();
        mapping.setServletName(name);
        mapping.setPathSpecs(paths);
        handler.addServletMapping(mapping);
    }

    private static int intSetting(Properties config, String key, int defaultValue) {
        String value = config.getProperty(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new SessionConfigurationException(key + " must be a whole number, not \"" + value + "\"");
        }
    }

    /** For {@code jdbc:sqlite:some/dir/file.db}, creates {@code some/dir} (SQLite creates only the file). */
    private static void createParentDirectory(String jdbcUrl) {
        String prefix = "jdbc:sqlite:";
        if (!jdbcUrl.startsWith(prefix)) {
            return;
        }
        String file = jdbcUrl.substring(prefix.length());
        int query = file.indexOf('?');
        file = query >= 0 ? file.substring(0, query) : file;
        if (file.isEmpty() || file.startsWith(":") || file.startsWith("file:")) {
            return;
        }
        Path parent = Path.of(file).toAbsolutePath().getParent();
        if (parent != null) {
            createDirectories(parent);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** The address the demo answers on, ending with {@code /}. */
    public URI baseUri() {
        return baseUri;
    }

    /** The session manager (its engine is the configured one). */
    public SessionManager sessions() {
        return sessions;
    }

    /** The users' database. */
    public UserStore users() {
        return users;
    }

    /** Stops Jetty, then closes the session engine and the users' database, whatever fails first. */
    @Override
    public void close() {
        IllegalStateException failure = null;
        try {
            jetty.stop();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            failure = new IllegalStateException("stopping Jetty failed", e);
        }
        try {
            users.close();
        } catch (SQLException e) {
            failure = addTo(failure, new IllegalStateException("closing the users' database failed", e));
        }
        try {
            sessions.close();
        } catch (RuntimeException e) {
            failure = addTo(failure, new IllegalStateException("closing the session engine failed", e));
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static IllegalStateException addTo(IllegalStateException first, IllegalStateException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    /** Reads a properties file. */
    static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        return properties;
    }

    /** Starts the demo with {@code args[0]} (default {@value #DEFAULT_CONFIG}) and serves until stopped. */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : DEFAULT_CONFIG);
        if (!Files.isReadable(file)) {
            System.err.println("satchel-demo: cannot read " + file.toAbsolutePath()
                    + "\nusage: java -jar demo/target/satchel-demo.jar [settings.properties]");
            System.exit(2);
        }
        DemoServer server;
        try {
            server = start(load(file));
        } catch (SessionConfigurationException e) {
            System.err.println("satchel-demo: " + file + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                server.close();
                            } catch (RuntimeException e) {
                                LOG.warn("shutdown failed", e);
                            }
                        },
                        "satchel-demo-shutdown"));
        LOG.info(
                "Satchel demo on {} (engine {}, settings {}); stop with Ctrl+C",
                server.baseUri(),
                server.sessions().engine().name(),
                file);
        server.jetty.join();
    }
}
