package dev.satchel.bench;

import java.util.Optional;

/**
 * The one place that says which Django engine each Satchel engine is compared with: Django's session
 * engine module, and the cache and database aliases {@code django/reference.py} defines for the same
 * stores (a LocMemCache, memcached through PyMemcacheCache, Redis through django-redis; SQLite in WAL
 * mode, PostgreSQL through psycopg2, MariaDB through mysqlclient). The encrypted cookie engine has no
 * Django counterpart.
 */
enum DjangoBackend {
    SIGNED_COOKIES(EngineType.SIGNED_COOKIES, "signed_cookies", "signed_cookies", null, null),
    FILE(EngineType.FILE, "file", "file", null, null),
    CACHE_LOCMEM(EngineType.CACHE_CAFFEINE, "cache on LocMemCache", "cache", "locmem", null),
    CACHE_REDIS(EngineType.CACHE_REDIS, "cache on Redis (django-redis)", "cache", "redis", null),
    CACHE_MEMCACHED(EngineType.CACHE_MEMCACHED, "cache on memcached (PyMemcacheCache)", "cache", "memcached", null),
    DB_SQLITE(EngineType.DB_SQLITE, "db on SQLite (WAL)", "db", null, "default"),
    DB_POSTGRES(EngineType.DB_POSTGRES, "db on PostgreSQL (psycopg2)", "db", null, "postgres"),
    DB_MARIADB(EngineType.DB_MARIADB, "db on MariaDB (mysqlclient)", "db", null, "mariadb"),
    CACHED_DB(EngineType.CACHED_DB, "cached_db on PostgreSQL + Redis (django-redis)", "cached_db", "redis", "postgres");

    private final EngineType satchel;
    private final String label;
    private final String module;
    private final String cache;
    private final String database;

    DjangoBackend(EngineType satchel, String label, String engine, String cache, String database) {
        this.satchel = satchel;
        this.label = label;
        this.module = "django.contrib.sessions.backends." + engine;
        this.cache = cache;
        this.database = database;
    }

    /** The Django counterpart of {@code engine}, if it has one. */
    static Optional<DjangoBackend> of(EngineType engine) {
        for (DjangoBackend b : values()) {
            if (b.satchel == engine) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** The Satchel engine it is compared with. */
    EngineType satchel() {
        return satchel;
    }

    /** How the report names it. */
    String label() {
        return label;
    }

    /** Django's {@code SESSION_ENGINE}. */
    String module() {
        return module;
    }

    /** The reference script's cache alias ({@code SESSION_CACHE_ALIAS}), or {@code null}. */
    String cache() {
        return cache;
    }

    /** The reference script's database alias, or {@code null}. */
    String database() {
        return database;
    }

    /**
     * Whether Django writes less durably than Satchel here: Django's file backend renames a temporary
     * file into place without fsync, Satchel's forces the file and the directory.
     */
    boolean skipsFsync() {
        return this == FILE;
    }
}
