package dev.satchel.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.testing.Servers;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.session.Session;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Each peer's {@link Contender} operations do what they claim, on the real servers: every request
 * saves the touched last access time (as Spring's filter makes it), changes are stored, the map
 * stays bounded, and closing removes what the peer stored. A missing server skips the peer's tests,
 * or fails them with {@code CI=true}.
 */
class PeerContenderTest {
    private static final Map<String, Object> DATA = Payload.MEDIUM.data();
    private static final String READ_KEY = DATA.keySet().iterator().next();

    private static PeerType.Peer open(PeerType type) {
        for (String url : type.servers()) {
            Servers.require(type.name() + "'s server", url);
        }
        PeerType.Peer peer = type.open(null);
        peer.prepare(DATA, 2);
        return peer;
    }

    /** Waits past the millisecond the stored times were taken in, so that a new touch differs. */
    private static void nextMillisecond() throws InterruptedException {
        Thread.sleep(5);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PeerType.class)
    void readSavesTheTouchedLastAccessTimeAndReturnsOneValue(PeerType type) throws Exception {
        try (PeerType.Peer peer = open(type)) {
            Instant before = peer.storedLastAccess(peer.id(0));
            Instant other = peer.storedLastAccess(peer.id(1));
            nextMillisecond();
            Instant start = Instant.now();

            assertEquals(DATA.get(READ_KEY), peer.read(0));

            Instant after = peer.storedLastAccess(peer.id(0));
            assertTrue(after.isAfter(before), type + ": stored last access " + after + " did not move from " + before);
            assertTrue(!after.isBefore(start.minusMillis(1)), type + ": stored " + after + ", request began " + start);
            assertEquals(other, peer.storedLastAccess(peer.id(1)), type + ": another slot was touched");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PeerType.class)
    void loadReadsEveryAttributeAndSavesTheTouch(PeerType type) throws Exception {
        try (PeerType.Peer peer = open(type)) {
            Instant before = peer.storedLastAccess(peer.id(0));
            nextMillisecond();

            assertEquals(DATA.size(), peer.load(0));

            assertTrue(peer.storedLastAccess(peer.id(0)).isAfter(before), type + ": load did not save the touch");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PeerType.class)
    void cycleStoresTheCounterAndTheTouch(PeerType type) throws Exception {
        try (PeerType.Peer peer = open(type)) {
            Instant before = peer.storedLastAccess(peer.id(1));
            nextMillisecond();

            assertEquals(peer.id(1), peer.cycle(1, 7));
            assertEquals(7L, peer.attribute(peer.id(1), SatchelContender.COUNTER));
            assertTrue(peer.storedLastAccess(peer.id(1)).isAfter(before), type + ": cycle did not save the touch");
            peer.cycle(1, 8);
            assertEquals(8L, peer.attribute(peer.id(1), SatchelContender.COUNTER));
            assertEquals(null, peer.attribute(peer.id(0), SatchelContender.COUNTER), type + ": slot 0 changed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PeerType.class)
    void saveStoresTheCounterOfTheHeldSessionEachTime(PeerType type) {
        try (PeerType.Peer peer = open(type)) {
            assertEquals(peer.id(0), peer.save(0, 41));
            assertEquals(41L, peer.attribute(peer.id(0), SatchelContender.COUNTER));
            peer.save(0, 42);
            assertEquals(42L, peer.attribute(peer.id(0), SatchelContender.COUNTER));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PeerType.class)
    void createStoresEveryAttributeUnderAFreshId(PeerType type) {
        try (PeerType.Peer peer = open(type)) {
            String id = (String) peer.create();
            assertNotEquals(peer.id(0), id);
            assertNotEquals(peer.id(1), id);
            Session stored = peer.find(id);
            assertNotNull(stored, type + ": created session not found");
            assertEquals(DATA.keySet(), stored.getAttributeNames());
            DATA.forEach((k, v) -> assertEquals(v, stored.getAttribute(k), type + ": attribute " + k));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(PeerType.class)
    void everyOperationRunsAlternatingWithItsSatchelEngine(PeerType type) {
        try (PeerType.Peer peer = open(type);
                SatchelContender satchel = new SatchelContender(type.satchel().open(false))) {
            satchel.prepare(DATA, 2);
            long counter = 0;
            for (Operation op : Operation.values()) {
                for (int i = 0; i < 50; i++) {
                    assertNotNull(op.apply(satchel, i % 2, ++counter), "Satchel " + op);
                    assertNotNull(op.apply(peer, i % 2, ++counter), type + " " + op);
                }
            }
            assertEquals(counter, peer.attribute(peer.id(1), SatchelContender.COUNTER), type + ": last cycle");
        }
    }

    @Test
    void theMapStaysWithinSatchelsCaffeineBoundWhileCreating() {
        long bound = PeerType.MapBound.MAXIMUM_SIZE;
        assertEquals(100_000, bound, "Satchel's default satchel.cache.caffeine.maximum-size");
        assertTrue(PeerType.SPRING_MAP.label().contains(Long.toString(bound)), PeerType.SPRING_MAP.label());
        try (PeerType.Peer peer = open(PeerType.SPRING_MAP)) {
            for (long i = 0; i < bound + 5_000; i++) {
                peer.create();
            }
            long stored = peer.storedSessions();
            assertTrue(stored <= bound, "map holds " + stored + " sessions, bound " + bound);
            assertTrue(stored > bound - 1_000, "map holds only " + stored + " sessions");
        }
    }

    @Test
    void theRedisLabelsNameTheirClient() {
        assertTrue(PeerType.SPRING_REDIS.label().contains("(Lettuce)"));
        assertTrue(PeerType.SPRING_REDIS_INDEXED.label().contains("RedisIndexedSessionRepository (Lettuce)"));
        assertTrue(PeerType.SPRING_REDIS_JEDIS.label().contains("(Jedis)"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(
            value = PeerType.class,
            names = {"SPRING_REDIS", "SPRING_REDIS_JEDIS", "SPRING_REDIS_INDEXED"})
    void closeDeletesEveryRedisKeyThePeerWrote(PeerType type) {
        PeerType.Peer peer = open(type);
        String namespace = peer.serverName();
        try {
            peer.create();
            peer.read(0);
            long keys = redisKeys(namespace);
            // two prepared and one created session; the indexed repository adds shadow and expiration keys
            assertTrue(keys >= 3, type + ": " + keys + " keys under " + namespace);
        } finally {
            peer.close();
        }
        assertEquals(0, redisKeys(namespace), type + ": keys left under " + namespace);
    }

    @Test
    void closeDropsTheJdbcTables() throws SQLException {
        PeerType.Peer peer = open(PeerType.SPRING_JDBC);
        String table = peer.serverName();
        try {
            assertEquals(2, tables(table));
        } finally {
            peer.close();
        }
        assertEquals(0, tables(table));
    }

    private static long redisKeys(String namespace) {
        InetSocketAddress a = Stores.address(Stores.REDIS_URL);
        long n = 0;
        try (JedisPooled jedis = new JedisPooled(a.getHostString(), a.getPort())) {
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams match = new ScanParams().match(namespace + ":*").count(1000);
            do {
                ScanResult<String> page = jedis.scan(cursor, match);
                n += page.getResult().size();
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return n;
    }

    /** How many of {@code table} and {@code table_attributes} exist. */
    private static int tables(String table) throws SQLException {
        try (Connection c = DriverManager.getConnection(Stores.POSTGRES_URL);
                PreparedStatement st = c.prepareStatement(
                        "SELECT count(*) FROM information_schema.tables WHERE table_name IN (?, ?)")) {
            String name = table.toLowerCase(Locale.ROOT);
            st.setString(1, name);
            st.setString(2, name + "_attributes");
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
