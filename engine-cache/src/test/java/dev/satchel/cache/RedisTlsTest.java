package dev.satchel.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.testing.Servers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} against a private redis-server speaking TLS with a certificate made for the
 * test: trusted through {@code satchel.cache.tls.trust-store} it works; untrusted, or issued for
 * another host name, the connection is refused.
 */
class RedisTlsTest {
    @TempDir
    Path dir;

    private Process server;
    private int port;

    private void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    /** A self-signed certificate for {@code subjectAltName}, imported into a PKCS12 trust store. */
    private Path certificate(String name, String subjectAltName) throws Exception {
        run(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-keyout",
                dir.resolve(name + ".key").toString(),
                "-out",
                dir.resolve(name + ".crt").toString(),
                "-subj",
                "/CN=satchel-test",
                "-addext",
                "subjectAltName=" + subjectAltName);
        Path store = dir.resolve(name + ".p12");
        run(
                "keytool",
                "-importcert",
                "-noprompt",
                "-alias",
                name,
                "-file",
                dir.resolve(name + ".crt").toString(),
                "-keystore",
                store.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit");
        return store;
    }

    private void startServer(String name) throws Exception {
        port = Servers.freePort();
        List<String> cmd = new ArrayList<>(List.of(
                "redis-server",
                "--port",
                "0",
                "--tls-port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--tls-cert-file",
                dir.resolve(name + ".crt").toString(),
                "--tls-key-file",
                dir.resolve(name + ".key").toString(),
                "--tls-ca-cert-file",
                dir.resolve(name + ".crt").toString(),
                "--tls-auth-clients",
                "no",
                "--save",
                "",
                "--appendonly",
                "no",
                "--loglevel",
                "warning"));
        server = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!Servers.reachable("127.0.0.1", port)) {
            if (!server.isAlive()) {
                fail("redis-server with TLS exited with " + server.exitValue() + " (built without TLS?)");
            }
            if (System.nanoTime() > deadline) {
                fail("redis-server with TLS did not start");
            }
            Thread.sleep(20);
        }
    }

    @BeforeEach
    void tools() {
        for (String tool : List.of("openssl", "keytool", "redis-server")) {
            boolean found = List.of("/usr/bin/", "/usr/sbin/", "/usr/local/bin/").stream()
                    .anyMatch(d -> Files.isExecutable(Path.of(d + tool)));
            String message = tool + " is needed for the TLS test (apt-get install -y openssl redis-server)";
            if (!found && Servers.isCi()) {
                fail(message);
            }
            assumeTrue(found, message);
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.destroyForcibly();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private SessionManager manager(Path trustStore) {
        SessionSettings.Builder b = SessionSettings.builder()
                .secretKey("redis-tls-test-secret")
                .engine("cache")
                .engineProperty(CacheSettings.URL, "rediss://127.0.0.1:" + port)
                .engineProperty(CacheSettings.TIMEOUT, "PT2S");
        if (trustStore != null) {
            b.engineProperty(CacheSettings.TLS_TRUST_STORE, trustStore.toString())
                    .engineProperty(CacheSettings.TLS_TRUST_STORE_PASSWORD, "changeit");
        }
        return SessionManager.open(b.build());
    }

    @Test
    void aTrustedCertificate_carriesSessionsOverTls() throws Exception {
        Path trust = certificate("good", "IP:127.0.0.1");
        startServer("good");
        try (SessionManager sessions = manager(trust)) {
            Session s = sessions.newSession();
            s.put("secret", "over tls");
            s.save();
            assertEquals("over tls", sessions.session(s.getSessionKey()).get("secret"));
        }
    }

    @Test
    void anUntrustedCertificate_isRefused() throws Exception {
        certificate("good", "IP:127.0.0.1");
        startServer("good");
        try (SessionManager sessions = manager(null)) {
            Session s = sessions.newSession();
            s.put("k", "v");
            assertTimeoutPreemptively(
                    Duration.ofSeconds(15), () -> assertThrows(SessionStoreUnavailableException.class, s::save));
        }
    }

    @Test
    void aCertificateForAnotherHost_isRefused() throws Exception {
        Path trust = certificate("elsewhere", "DNS:sessions.example.org");
        startServer("elsewhere");
        try (SessionManager sessions = manager(trust)) {
            Session s = sessions.newSession();
            s.put("k", "v");
            assertTimeoutPreemptively(
                    Duration.ofSeconds(15), () -> assertThrows(SessionStoreUnavailableException.class, s::save));
        }
    }
}
