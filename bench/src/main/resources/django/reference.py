"""Django's own session engines, timed one round at a time: the Django side of Satchel's paired benchmark.

Started by the benchmark (DjangoProcess.java) with Debian's python3-django:
    python3 reference.py CONFIG.json
and driven through stdin, one command per line; every command gets exactly one JSON line on stdout
(anything else Python or Django prints goes to stderr):
    prepare {"engine": MODULE, "cache": ALIAS|null, "db": ALIAS|null, "payload": FILE, "slots": N}
        stores N sessions holding the payload through Django's engine MODULE, the cache and database
        aliases chosen for it, and keeps each one loaded for "save"        -> {"ok": true}
    run OPERATION SECONDS
        repeats load, save, create or cycle for SECONDS                    -> {"ops", "seconds", "hits", "misses"}
    cleanup        deletes the prepared sessions                           -> {"ok": true}
    quit           drops the tables, deletes the Redis keys, exits         -> {"bye": true}
Operations are those of the Java side (SatchelContender): load reads every value of session
(i mod N); save changes one value of held session (i mod N) and saves it; create stores a new session
holding the payload (the round's new sessions are deleted after it, untimed, so every round sees the
same store); cycle loads session (i mod N), changes one value and saves it. load and cycle count hits:
a session that came back empty would mean the round measured misses (as LocMemCache's culling once did).
"""
import json
import os
import sys
import time
import traceback
from importlib import import_module

CONFIG_PATH = sys.argv[1]
with open(CONFIG_PATH) as f:
    CONFIG = json.load(f)
OUT = sys.stdout
sys.stdout = sys.stderr  # stray prints must not break the protocol

WORK = CONFIG["work"]
PREFIX = CONFIG["prefix"]  # unique per run: cache key prefixes and table names
TABLE = PREFIX + "_session"
os.makedirs(os.path.join(WORK, "sessions"), exist_ok=True)

import django  # noqa: E402
from django.conf import settings  # noqa: E402


class Router:
    """Sends the benchmark's session model to the database alias of the engine being measured."""
    alias = "default"

    def db_for_read(self, model, **hints):
        return Router.alias if model._meta.db_table == TABLE else None

    def db_for_write(self, model, **hints):
        return Router.alias if model._meta.db_table == TABLE else None


DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(WORK, "db.sqlite3")}}
if CONFIG.get("postgres"):
    DATABASES["postgres"] = dict(CONFIG["postgres"], ENGINE="django.db.backends.postgresql")
if CONFIG.get("mariadb"):
    DATABASES["mariadb"] = dict(CONFIG["mariadb"], ENGINE="django.db.backends.mysql", OPTIONS={"charset": "utf8mb4"})

CACHES = {
    # MAX_ENTRIES far above what a run stores (the prepared sessions; each create round's sessions are
    # deleted after it): LocMemCache culls a third of its entries, least recently used first, once it
    # holds MAX_ENTRIES, and the prepared sessions would be the first to go.
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": PREFIX,
                "OPTIONS": {"MAX_ENTRIES": 1000000}},
}
CACHES["locmem"] = CACHES["default"]
if CONFIG.get("memcached"):
    CACHES["memcached"] = {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
                           "LOCATION": CONFIG["memcached"], "KEY_PREFIX": PREFIX}
if CONFIG.get("redis"):
    CACHES["redis"] = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": CONFIG["redis"],
                       "KEY_PREFIX": PREFIX}

settings.configure(
    SECRET_KEY=CONFIG["secret"],
    INSTALLED_APPS=["django.contrib.sessions"],
    DATABASES=DATABASES,
    DATABASE_ROUTERS=[Router()],
    CACHES=CACHES,
    SESSION_CACHE_ALIAS="default",
    SESSION_COOKIE_AGE=CONFIG["cookieAge"],
    SESSION_FILE_PATH=os.path.join(WORK, "sessions"),
    SESSION_SERIALIZER="django.contrib.sessions.serializers.JSONSerializer",
    USE_TZ=True,
)
django.setup()

from django.contrib.sessions.base_session import AbstractBaseSession  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connections  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402


def wal(sender, connection, **kwargs):
    # Satchel opens SQLite in WAL mode; the reference does the same.
    if connection.vendor == "sqlite":
        connection.cursor().execute("PRAGMA journal_mode=WAL")


connection_created.connect(wal)


class BenchSession(AbstractBaseSession):
    """Django's session model (same columns and index) under a table name of this run."""

    class Meta:
        app_label = "sessions"
        db_table = TABLE


TABLES = set()  # database aliases holding the table


def store_class(spec):
    """Django's SessionStore of the engine, on the spec's cache and database (its class name kept:
    the signing salt derives from it)."""
    settings.SESSION_CACHE_ALIAS = spec.get("cache") or "default"
    base = import_module(spec["engine"]).SessionStore
    db = spec.get("db")
    if not db:
        return base
    Router.alias = db
    if db not in TABLES:
        connection = connections[db]
        if TABLE not in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.create_model(BenchSession)
        TABLES.add(db)
    return type("SessionStore", (base,), {"get_model_class": classmethod(lambda cls: BenchSession),
                                          "__module__": base.__module__})


class Bench:
    """The prepared sessions of one engine and payload, and the four operations on them."""

    def __init__(self, spec):
        self.Store = store_class(spec)
        self.cookies = spec["engine"].endswith("signed_cookies")
        with open(os.path.join(WORK, spec["payload"])) as f:
            self.payload = json.load(f)
        self.keys = []
        for _ in range(spec["slots"]):
            s = self.Store()
            s.update(self.payload)
            s.save()
            self.keys.append(s.session_key)
        self.held = []
        for k in self.keys:
            s = self.Store(session_key=k)
            if not s.keys():
                raise RuntimeError("a prepared session does not load")
            self.held.append(s)
        self.counter = 0
        self.created = []

    def next(self):
        self.counter += 1
        return self.counter % len(self.keys), self.counter

    def load(self):
        i, _ = self.next()
        return 1 if self.Store(session_key=self.keys[i]).keys() else 0

    def save(self):
        i, n = self.next()
        s = self.held[i]
        s["bench_counter"] = n
        s.save()
        return 0

    def create(self):
        s = self.Store()
        s.update(self.payload)
        s.save()
        self.created.append(s.session_key)
        return 0

    def cycle(self):
        i, n = self.next()
        s = self.Store(session_key=self.keys[i])
        s["bench_counter"] = n
        # The payload has at least one key: only a session that was not found holds the counter alone.
        hit = 1 if len(s.keys()) > 1 else 0
        s.save()
        return hit

    def run(self, operation, seconds):
        op = {"load": self.load, "save": self.save, "create": self.create, "cycle": self.cycle}[operation]
        n = hits = 0
        start = time.perf_counter()
        end = start + seconds
        while True:
            hits += op()
            n += 1
            now = time.perf_counter()
            if now >= end:
                break
        self.forget_created()
        counted = operation in ("load", "cycle")
        return {"ops": n, "seconds": now - start,
                "hits": hits if counted else -1, "misses": n - hits if counted else -1}

    def forget_created(self):
        if not self.cookies:
            for k in self.created:
                self.Store().delete(k)
        self.created = []

    def cleanup(self):
        self.forget_created()
        if not self.cookies:
            for k in self.keys:
                self.Store().delete(k)


def quit_run():
    for alias in TABLES:
        if alias != "default":
            with connections[alias].schema_editor() as editor:
                editor.delete_model(BenchSession)
    if "redis" in CACHES:
        caches["redis"].delete_pattern("*")  # django-redis: this run's KEY_PREFIX only
    connections.close_all()


def reply(obj):
    OUT.write(json.dumps(obj) + "\n")
    OUT.flush()


def main():
    reply({"ready": True, "django": django.get_version(), "python": sys.version.split()[0]})
    bench = None
    for line in sys.stdin:
        command, _, rest = line.strip().partition(" ")
        try:
            if command == "prepare":
                if bench:
                    bench.cleanup()
                bench = None
                bench = Bench(json.loads(rest))
                reply({"ok": True})
            elif command == "run":
                operation, seconds = rest.split()
                reply(bench.run(operation, float(seconds)))
            elif command == "cleanup":
                if bench:
                    bench.cleanup()
                bench = None
                reply({"ok": True})
            elif command == "quit":
                break
            else:
                reply({"error": "unknown command: " + command})
        except Exception as e:  # one failed engine must not end the others
            traceback.print_exc()
            reply({"error": type(e).__name__ + ": " + str(e)})
    try:
        if bench:
            bench.cleanup()
        quit_run()
        reply({"bye": True})
    except Exception as e:
        traceback.print_exc()
        reply({"error": type(e).__name__ + ": " + str(e)})


main()
