package dev.satchel.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.Session;
import dev.satchel.SessionManager;
import dev.satchel.SessionSettings;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.SessionTooLargeException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * memcached's refusals on a real private server: an item over its {@code -I} limit is {@link
 * SessionTooLargeException}, memory exhausted under {@code -M} is {@link
 * SessionStoreUnavailableException}; neither is a silent success, and the previous version stays
 * intact. Timeouts and lost connections are covered by {@link StoreFaultTest} and the fault kit.
 */
class MemcachedRefusalTest {
    private static final Duration GUARD = Duration.ofSeconds(30);

    /** 1 MB of memory, items up to 1 KB (the slab chunk size must then fit in the item size too). */
    private static final String[] SMALL = {"-m", "1", "-I", "1k", "-o", "slab_chunk_max=1024"};

    private static SessionManager manager(LocalServer server) {
        return SessionManager.open(SessionSettings.builder()
                .secretKey("refusal-tests")
                .engine("cache")
                .engineProperty(CacheSettings.URL, "memcached://127.0.0.1:" + server.port())
                .engineProperty(CacheSettings.TIMEOUT, "PT1S")
                .build());
    }

    private static String saveOne(SessionManager sessions) {
        Session s = sessions.newSession();
        s.put("a", 1L);
        s.save();
        return s.getSessionKey();
    }

    private static String incompressible(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return Base64.getEncoder().encodeToString(random);
    }

    @Test
    void anItemOverTheServersLimit_isTooLarge_andThePreviousVersionStays() {
        // The engine's own limit (1 MB by default) lets the session through; the server's 1 KB does not.
        try (LocalServer server = LocalServer.memcached(SMALL);
                SessionManager sessions = manager(server)) {
            String key = saveOne(sessions);
            Session session = sessions.session(key);
            assertEquals(1L, session.get("a"));
            session.put("big", incompressible(3000));
            SessionTooLargeException e =
                    assertTimeoutPreemptively(GUARD, () -> assertThrows(SessionTooLargeException.class, session::save));
            System.out.println("  update over -I: " + e.getMessage());
            assertFalse(e.getMessage().contains(key), "the session key (a bearer secret) stays out of messages");
            Session fresh = sessions.session(key);
            assertEquals(1L, fresh.get("a"), "the previous version is intact");
            assertEquals(null, fresh.get("big"));

            Session created = sessions.newSession();
            created.put("big", incompressible(3000));
            assertThrows(SessionTooLargeException.class, created::save);
        }
    }

    @Test
    void outOfMemory_withEvictionOff_isUnavailable_andThePreviousVersionStays() throws IOException {
        try (LocalServer server = LocalServer.memcached(concat(SMALL, "-M"));
                SessionManager sessions = manager(server);
                Filler filler = new Filler(server.port())) {
            String key = saveOne(sessions);
            Session session = sessions.session(key);
            assertEquals(1L, session.get("a"));
            int items = filler.fillEverySlabClass();
            System.out.println("  memcached -m 1 -M full after " + items + " filler items");

            assertEquals(1L, sessions.session(key).get("a"), "reads still work when memory is full");
            session.put("a", 2L);
            SessionStoreUnavailableException e = assertTimeoutPreemptively(
                    GUARD, () -> assertThrows(SessionStoreUnavailableException.class, session::save));
            assertTrue(e.getMessage().contains("out of memory"), e.getMessage());
            assertFalse(e.getMessage().contains(key), "the session key (a bearer secret) stays out of messages");
            System.out.println("  update when full: " + e.getMessage());
            Session created = sessions.newSession();
            created.put("b", 1L);
            assertThrows(SessionStoreUnavailableException.class, created::save);

            filler.deleteAll();
            Session after = sessions.session(key);
            assertEquals(1L, after.get("a"), "the previous version is intact");
            after.put("a", 3L);
            after.save();
            assertEquals(3L, sessions.session(key).get("a"));
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** Fills memcached over its text protocol, pipelined, and removes what it added. */
    private static final class Filler implements AutoCloseable {
        private static final int BATCH = 200;
        private final Socket socket;
        private final OutputStream out;
        private final BufferedReader in;
        private final List<String> keys = new ArrayList<>();

        Filler(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            out = socket.getOutputStream();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
        }

        /**
         * Adds items of every size up to the item limit until each size is refused for memory, so
         * every slab class is full; returns how many were stored.
         */
        int fillEverySlabClass() throws IOException {
            for (int size = 8; size <= 900; size += 8) {
                boolean full = false;
                for (int batch = 0; !full && batch < 1000; batch++) {
                    StringBuilder request = new StringBuilder();
                    List<String> sent = new ArrayList<>();
                    for (int i = 0; i < BATCH; i++) {
                        String key = "filler:" + size + ":" + (batch * BATCH + i);
                        sent.add(key);
                        request.append("add ")
                                .append(key)
                                .append(" 0 0 ")
                                .append(size)
                                .append("\r\n")
                                .append("x".repeat(size))
                                .append("\r\n");
                    }
                    out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    for (String key : sent) {
                        String reply = in.readLine();
                        if (reply.equals("STORED")) {
                            keys.add(key);
                        } else if (reply.startsWith("SERVER_ERROR out of memory")) {
                            full = true;
                        } else {
                            throw new IllegalStateException("unexpected reply to add: " + reply);
                        }
                    }
                }
                if (!full) {
                    throw new IllegalStateException("memcached never filled up for " + size + "-byte items");
                }
            }
            return keys.size();
        }

        void deleteAll() throws IOException {
            for (int from = 0; from < keys.size(); from += BATCH) {
                List<String> batch = keys.subList(from, Math.min(keys.size(), from + BATCH));
                StringBuilder request = new StringBuilder();
                for (String key : batch) {
                    request.append("delete ").append(key).append("\r\n");
                }
                out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (int i = 0; i < batch.size(); i++) {
                    in.readLine();
                }
            }
            keys.clear();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
