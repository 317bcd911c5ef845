package dev.satchel.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.SessionStoreUnavailableException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;

/**
 * The classification rule on replies no single Redis server gives to Satchel's single-key commands
 * ({@code TRYAGAIN}, redirections, unknown codes); the replies a real server gives are covered by
 * {@code RedisErrorReplyTest}.
 */
class RedisRepliesTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "TRYAGAIN Multiple keys request during rehashing of slot",
                "CLUSTERDOWN The cluster is down",
                "ERR max number of clients reached",
                "NOSCRIPT No matching script",
                "EXECABORT Transaction discarded",
                "weird lower-case reply",
                ""
            })
    void everyReplyButWrongType_isUnavailable_andNamesTheReply(String reply) {
        JedisDataException e = new JedisDataException(reply);
        assertFalse(RedisReplies.isWrongType(e));
        SessionStoreUnavailableException u = RedisReplies.unavailable("redis://h:1", "read a session (GET)", e);
        assertTrue(u.getMessage().contains(RedisReplies.code(e)), u.getMessage());
        assertEquals(e, u.getCause());
    }

    @Test
    void redirections_areUnavailable() {
        JedisException moved = new JedisMovedDataException("MOVED 3999 127.0.0.1:6381", new HostAndPort("h", 1), 3999);
        JedisException ask = new JedisAskDataException("ASK 3999 127.0.0.1:6381", new HostAndPort("h", 1), 3999);
        assertTrue(
                RedisReplies.unavailable("redis://h:1", "x", moved).getMessage().contains("MOVED"));
        assertTrue(
                RedisReplies.unavailable("redis://h:1", "x", ask).getMessage().contains("ASK"));
        assertFalse(RedisReplies.isWrongType(moved));
    }

    @Test
    void wrongType_isRecognised() {
        assertTrue(RedisReplies.isWrongType(
                new JedisDataException("WRONGTYPE Operation against a key holding the wrong kind of value")));
    }

    @Test
    void aTimeout_isNotADeadConnection_butAClosedOneIs() {
        assertFalse(RedisReplies.isDeadConnection(
                new JedisConnectionException(new SocketTimeoutException("Read timed out"))));
        assertTrue(RedisReplies.isDeadConnection(new JedisConnectionException("Unexpected end of stream.")));
        assertFalse(RedisReplies.isDeadConnection(new JedisDataException("BUSY Redis is busy")));
    }
}
