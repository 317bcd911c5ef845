package dev.satchel.cache.internal;

import dev.satchel.SessionStoreUnavailableException;
import java.net.SocketTimeoutException;
import java.util.Locale;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * What a Redis failure means for a session, in one place. The rule: only {@code WRONGTYPE} on a read
 * says something about the session (the key holds someone else's non-string value, so there is no
 * session of ours); every other error reply ({@code BUSY}, {@code LOADING}, {@code MASTERDOWN},
 * {@code READONLY}, {@code OOM}, {@code MISCONF}, {@code NOPERM}, {@code CLUSTERDOWN}, {@code
 * TRYAGAIN}, ...) says the store cannot serve us right now while the data may well be intact, so it
 * is {@link SessionStoreUnavailableException}: reading it as "no session" would log every arriving
 * user out.
 */
final class RedisReplies {
    private RedisReplies() {}

    /** Whether the failure is Redis's {@code WRONGTYPE} reply. */
    static boolean isWrongType(JedisException e) {
        return e instanceof JedisDataException && "WRONGTYPE".equals(code(e));
    }

    /**
     * Whether the connection was found dead (closed or reset by the server, refused), as opposed to
     * Redis not answering in time: only then is running the command again on a fresh connection useful.
     */
    static boolean isDeadConnection(JedisException e) {
        if (!(e instanceof JedisConnectionException)) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return false;
            }
        }
        return true;
    }

    /**
     * The exception to raise for a failed command: {@code what} says what Satchel was doing, {@code
     * where} names the server. The message names the reply and what to do about it.
     */
    static SessionStoreUnavailableException unavailable(String where, String what, JedisException e) {
        String prefix = "Redis at " + where;
        if (e instanceof JedisConnectionException) {
            return new SessionStoreUnavailableException(
                    prefix + " did not answer " + what + " (" + e.getMessage() + ")", e);
        }
        if (!(e instanceof JedisDataException)) {
            // Pool exhaustion (no connection within the timeout) and other client failures.
            return new SessionStoreUnavailableException(prefix + " could not " + what + " (" + e.getMessage() + ")", e);
        }
        String code = code(e);
        return new SessionStoreUnavailableException(
                prefix + " refused to " + what + " with " + code + ": " + advice(code) + " (reply: " + e.getMessage()
                        + ")",
                e);
    }

    /** The error code: the reply's first word ({@code BUSY}, {@code OOM}, ...), upper case. */
    static String code(JedisException e) {
        String message = e.getMessage() == null ? "" : e.getMessage().strip();
        if (message.startsWith("ERR The user executing the script can't run this command")) {
            // An ACL refusal inside a script (the conditional save) comes back as ERR, not NOPERM.
            return "NOPERM";
        }
        int space = message.indexOf(' ');
        String first = space < 0 ? message : message.substring(0, space);
        return first.isEmpty() ? "ERR" : first.toUpperCase(Locale.ROOT);
    }

    private static String advice(String code) {
        return switch (code) {
            case "BUSY" ->
                "a script or function is running past busy-reply-threshold; the data is intact, retry"
                        + " shortly or end it with SCRIPT KILL / FUNCTION KILL";
            case "LOADING" -> "Redis is loading its dataset after a restart; retry once it has finished";
            case "MASTERDOWN" ->
                "this replica lost its master and replica-serve-stale-data is no; restore"
                        + " replication or point satchel.cache.url at the master";
            case "READONLY" -> "satchel.cache.url points at a read-only replica; point it at the master";
            case "OOM" ->
                "Redis is at maxmemory and its maxmemory-policy evicts nothing; raise maxmemory or use"
                        + " an evicting policy such as volatile-lru";
            case "MISCONF" ->
                "Redis stops writes after a failed RDB save (stop-writes-on-bgsave-error); fix its"
                        + " disk or dir, see the Redis log";
            case "NOPERM" ->
                "the Redis user may not run this command or touch this key; grant it GET, SET,"
                        + " EXISTS, DEL and EVAL on the session keys";
            case "NOAUTH", "WRONGPASS" -> "check the user and password in satchel.cache.url";
            case "CLUSTERDOWN", "TRYAGAIN", "MOVED", "ASK", "CROSSSLOT" ->
                "the key's Redis Cluster slot is not"
                        + " served here right now; Satchel talks to one Redis server, point satchel.cache.url at the"
                        + " node that serves the keys or a standalone server";
            default -> "Redis refused the command; see its reply";
        };
    }
}
