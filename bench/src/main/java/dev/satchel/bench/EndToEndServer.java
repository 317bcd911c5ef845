package dev.satchel.bench;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.net.URI;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * {@link EndToEndApp} on embedded Jetty 12, on a free loopback port, behind one session filter:
 * the only thing that differs between the two sides of the end-to-end comparison.
 */
final class EndToEndServer implements AutoCloseable {
    private final Server jetty;
    private final URI baseUri;

    private EndToEndServer(Server jetty, URI baseUri) {
        this.jetty = jetty;
        this.baseUri = baseUri;
    }

    /** Starts serving the app behind {@code sessionFilter} (Jetty's default thread pool). */
    static EndToEndServer start(Filter sessionFilter) throws Exception {
        Server jetty = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addFilter(new FilterHolder(sessionFilter), "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder app = new ServletHolder("app", new EndToEndApp());
        context.addServlet(app, "/visit");
        context.addServlet(app, "/cart");
        context.addServlet(app, "/cart/add");
        jetty.setHandler(context);
        jetty.setStopTimeout(2_000);
        try {
            jetty.start();
        } catch (Exception e) {
            jetty.stop();
            throw e;
        }
        return new EndToEndServer(jetty, URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/"));
    }

    /** Where the app answers, ending with {@code /}. */
    URI baseUri() {
        return baseUri;
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }
}
