# Drives Django 3.2's cache and cached_db session engines for the live interop tests, one JSON
# command a line on stdin, one JSON answer a line on stdout.
#   argv: secret, key prefix, version, memcached host:port, redis URL, SQLite file
# Caches: 'memcached' (PyMemcacheCache) and 'redis' (django-redis), both with the given KEY_PREFIX
# and VERSION. Values are tagged as in pickle_cases.py (type-exact: tuples stay tuples here).
import datetime, json, sys
import django
from django.conf import settings

secret, prefix, version, memcached, redis_url, sqlite = sys.argv[1:7]
settings.configure(
    SECRET_KEY=secret, USE_TZ=True, TIME_ZONE='UTC', SESSION_COOKIE_AGE=600,
    INSTALLED_APPS=['django.contrib.sessions'],
    DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': sqlite}},
    CACHES={
        'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'},
        'memcached': {'BACKEND': 'django.core.cache.backends.memcached.PyMemcacheCache',
                      'LOCATION': memcached, 'KEY_PREFIX': prefix, 'VERSION': int(version)},
        'redis': {'BACKEND': 'django_redis.cache.RedisCache', 'LOCATION': redis_url,
                  'KEY_PREFIX': prefix, 'VERSION': int(version)},
    })
django.setup()
from django.core.cache import caches
from django.contrib.sessions.backends import cache as cache_engine, cached_db, db

ENGINES = {'cache': cache_engine.SessionStore, 'cached_db': cached_db.SessionStore, 'db': db.SessionStore}
LOGICAL = {'cache': cache_engine.KEY_PREFIX, 'cached_db': cached_db.KEY_PREFIX}


def tag(v):
    if v is None:
        return ['None']
    if isinstance(v, bool):
        return ['bool', v]
    if isinstance(v, int):
        return ['int', str(v)]
    if isinstance(v, float):
        return ['float', repr(v)]
    if isinstance(v, str):
        return ['str', v]
    if isinstance(v, tuple):
        return ['tuple', [tag(x) for x in v]]
    if isinstance(v, list):
        return ['list', [tag(x) for x in v]]
    if isinstance(v, dict):
        return ['dict', [[k, tag(x)] for k, x in v.items()]]
    return ['object', type(v).__name__]


def store(cmd):
    settings.SESSION_CACHE_ALIAS = cmd['cache']
    return ENGINES[cmd['engine']](cmd.get('key'))


def value(text):
    return eval(text, {'__builtins__': {}, 'datetime': datetime})


def run(cmd):
    op = cmd['op']
    if op == 'save':  # a new session (a login), as the middleware saves it
        s = store(cmd)
        s.update(value(cmd['data']))
        s.save()
        return {'key': s.session_key}
    if op == 'load':
        s = store(cmd)
        data = s.load()
        return {'data': tag(data), 'key': s.session_key}
    if op == 'update':  # load, change, save back under the same key
        s = store(cmd)
        s.load()
        s.update(value(cmd['data']))
        for k in cmd.get('remove', []):
            del s[k]
        s.save()
        return {'key': s.session_key}
    if op == 'logout':  # what django.contrib.auth.logout does to the session
        s = store(cmd)
        s.load()
        s.flush()
        return {}
    if op == 'cache_get':  # what Django's cache layer returns for a session's entry
        v = caches[cmd['cache']].get(LOGICAL[cmd['engine']] + cmd['key'])
        return {'value': tag(v)}
    if op == 'cache_set':
        caches[cmd['cache']].set(LOGICAL[cmd['engine']] + cmd['key'], value(cmd['value']), 600)
        return {}
    if op == 'row_exists':
        return {'exists': db.SessionStore().exists(cmd['key'])}
    if op == 'cleanup':
        for alias in ('memcached', 'redis'):
            for logical in LOGICAL.values():
                caches[alias].delete_many([logical + k for k in cmd['keys']])
        return {}
    raise ValueError(op)


for line in sys.stdin:
    try:
        answer = run(json.loads(line))
    except Exception as e:
        answer = {'error': '%s: %s' % (type(e).__name__, e)}
    print(json.dumps(answer), flush=True)
