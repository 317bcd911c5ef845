"""Times Django's own session engines on the standard payloads: the reference column of Satchel's report.

Run by the benchmark (BenchMain) with Debian's python3-django when it is installed:
    python3 reference.py PAYLOAD_DIR SECONDS_PER_MEASUREMENT OUT.json
Each engine does what the JMH benchmark does: load an existing session (first access), save a loaded
session after changing one key, create a new session, and the request cycle (load, change, save).
The figure is the median of five measurements, each repeating the operation for the given time."""
import json
import os
import statistics
import sys
import tempfile
import time

import django
from django.conf import settings

PAYLOAD_DIR, SECONDS, OUT = sys.argv[1], float(sys.argv[2]), sys.argv[3]
WORK = tempfile.mkdtemp(prefix="satchel-django-reference-")
os.makedirs(os.path.join(WORK, "sessions"))

settings.configure(
    SECRET_KEY="satchel-benchmark-secret-key-satchel-benchmark-secret-key",
    INSTALLED_APPS=["django.contrib.sessions"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(WORK, "db.sqlite3")}},
    CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                        "OPTIONS": {"MAX_ENTRIES": 100000}}},
    SESSION_FILE_PATH=os.path.join(WORK, "sessions"),
    SESSION_SERIALIZER="django.contrib.sessions.serializers.JSONSerializer",
    USE_TZ=True,
)
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402


def wal(sender, connection, **kwargs):
    # Satchel opens SQLite in WAL mode; the reference does the same.
    if connection.vendor == "sqlite":
        connection.cursor().execute("PRAGMA journal_mode=WAL")


connection_created.connect(wal)
call_command("migrate", "sessions", verbosity=0)

from importlib import import_module  # noqa: E402

ENGINES = {
    # Satchel engine name: Django engine module
    "SIGNED_COOKIES": "django.contrib.sessions.backends.signed_cookies",
    "FILE": "django.contrib.sessions.backends.file",
    "DB_SQLITE": "django.contrib.sessions.backends.db",
    "CACHE_CAFFEINE": "django.contrib.sessions.backends.cache",
}
DESCRIPTIONS = {
    "SIGNED_COOKIES": "signed_cookies",
    "FILE": "file",
    "DB_SQLITE": "db on SQLite (WAL)",
    "CACHE_CAFFEINE": "cache on LocMemCache",
}


def measure(op):
    """Median operations per second over five measurements of SECONDS each (after one warm-up)."""
    rates = []
    for i in range(6):
        n = 0
        start = time.perf_counter()
        end = start + SECONDS
        while True:
            for _ in range(20):
                op()
            n += 20
            now = time.perf_counter()
            if now >= end:
                break
        if i > 0:
            rates.append(n / (now - start))
    return statistics.median(rates)


def bench(engine, payload):
    Store = import_module(ENGINES[engine]).SessionStore
    keys = []
    for _ in range(16):
        s = Store()
        s.update(payload)
        s.save()
        keys.append(s.session_key)
    state = {"i": 0, "counter": 0}

    def next_key():
        state["i"] = (state["i"] + 1) % len(keys)
        return state["i"]

    def load():
        s = Store(session_key=keys[next_key()])
        return len(s.keys())

    held = Store(session_key=keys[0])
    held.load()
    len(held.keys())

    def save():
        state["counter"] += 1
        held["bench_counter"] = state["counter"]
        held.save()

    def create():
        s = Store()
        s.update(payload)
        s.save()

    def cycle():
        i = next_key()
        s = Store(session_key=keys[i])
        state["counter"] += 1
        s["bench_counter"] = state["counter"]
        s.save()
        if engine == "SIGNED_COOKIES":
            keys[i] = s.session_key  # the cookie is the session: the next request sends the new one

    result = {}
    for name, op in (("load", load), ("save", save), ("create", create), ("cycle", cycle)):
        result[name] = measure(op)
    return result


results = []
for payload_name in ("medium",):
    with open(os.path.join(PAYLOAD_DIR, payload_name + ".json")) as f:
        payload = json.load(f)
    for engine in ENGINES:
        rates = bench(engine, payload)
        for op, rate in rates.items():
            results.append({"engine": engine, "django": DESCRIPTIONS[engine], "payload": payload_name.upper(),
                            "operation": op, "opsPerSecond": rate})
        print("django reference:", engine, {k: round(v) for k, v in rates.items()}, flush=True)

with open(OUT, "w") as f:
    json.dump({"django": django.get_version(),
               "python": sys.version.split()[0],
               "secondsPerMeasurement": SECONDS,
               "results": results}, f, indent=2)
