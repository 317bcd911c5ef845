"""Writes a second Django vector set, in the format of django-vectors/README.md, with real Django 3.2.

Usage: generate_vector_set.py TEMPLATE_DIR OUT_DIR SECRET_KEY SECRET_KEY_2 NOW EXPIRY_SECONDS

The template set supplies only the INPUTS (payloads as payload_python, case ids, settings, views,
candidate keys); every output is recomputed here by Django under another SECRET_KEY, another frozen
clock and another set_expiry() argument. Signed inputs of the template are re-made for the new key:
an input that was a signed value of the template is replaced by the same value signed now; a
tampered one gets the same edit applied to the new value; a validly signed oddity is signed again.
"""
import base64
import datetime
import json
import math
import os
import re
import sqlite3
import sys
import tempfile
import time
import zlib

TEMPLATE, OUT, SECRET, SECRET2, NOW, EXPIRY = sys.argv[1:7]
NOW = float(NOW)
EXPIRY = int(EXPIRY)
CLOCK = [NOW]


def load(name):
    with open(os.path.join(TEMPLATE, name), encoding='utf-8') as f:
        return json.load(f)


T_SIGNING, T_SERIALIZER, T_SESSIONS = load('signing.json'), load('serializer.json'), load('sessions.json')
T_BACKENDS, T_MIDDLEWARE, T_KEYS = load('backends.json'), load('middleware.json'), load('session_keys.json')
OLD_NOW = T_SIGNING['meta']['now']
DELTA = NOW - OLD_NOW
OLD_SECRET, OLD_SECRET2 = T_SIGNING['meta']['secret_key'], T_SIGNING['meta']['secret_key_2']
WORK = tempfile.mkdtemp(prefix='satchel-vector-gen-')
DB_FILE = os.path.join(OUT, 'django_session.sqlite3')
FILE_DIR = os.path.join(WORK, 'files')
os.makedirs(FILE_DIR)

# The frozen clock: time.time() and timezone.now() both answer CLOCK[0].
time.time = lambda: CLOCK[0]

import django  # noqa: E402
from django.conf import settings  # noqa: E402

settings.configure(
    SECRET_KEY=SECRET, USE_TZ=True, TIME_ZONE='UTC', DEFAULT_HASHING_ALGORITHM='sha256',
    INSTALLED_APPS=['django.contrib.sessions'],
    DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': DB_FILE}},
    CACHES={'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}},
    SESSION_SERIALIZER='django.contrib.sessions.serializers.JSONSerializer',
    SESSION_FILE_PATH=FILE_DIR, SESSION_COOKIE_AGE=1209600, SESSION_COOKIE_NAME='sessionid',
    SESSION_COOKIE_SAMESITE='Lax', SESSION_COOKIE_HTTPONLY=True, LOGGING_CONFIG=None)
import warnings  # noqa: E402
warnings.simplefilter('ignore')
django.setup()

from django.utils import timezone  # noqa: E402

timezone.now = lambda: datetime.datetime.fromtimestamp(CLOCK[0], tz=datetime.timezone.utc)

from django.core import signing  # noqa: E402
from django.core.cache.backends.base import BaseCache, memcache_key_warnings  # noqa: E402
from django.core.cache.backends.memcached import BaseMemcachedCache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.contrib.sessions.backends import cache as cache_backend, cached_db  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore as DbStore  # noqa: E402
from django.contrib.sessions.backends.file import SessionStore as FileStore  # noqa: E402
from django.contrib.sessions.backends.signed_cookies import SessionStore as CookieStore  # noqa: E402
from django.contrib.sessions.middleware import SessionMiddleware  # noqa: E402
from django.contrib.sessions.serializers import JSONSerializer  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.utils import baseconv  # noqa: E402
from django.utils.crypto import salted_hmac  # noqa: E402
from django.utils.http import http_date  # noqa: E402


def at(t):
    CLOCK[0] = t


def shifted(t):
    """A time of the template moved by DELTA when it is near the template's now (else kept: boundaries)."""
    return t + DELTA if t is not None and abs(t - OLD_NOW) < 1e7 else t


def key(k):
    return SECRET if k == OLD_SECRET else SECRET2 if k == OLD_SECRET2 else k


def py(text):
    return eval(text, {'__builtins__': {}}, {'nan': float('nan'), 'inf': float('inf'), 'float': float})


def meta(extra=()):
    m = {'set': 'generated-second-set', 'django_version': django.get_version(),
         'python_version': sys.version.split()[0], 'zlib_runtime_version': zlib.ZLIB_RUNTIME_VERSION,
         'secret_key': SECRET, 'now': NOW,
         'now_iso': datetime.datetime.fromtimestamp(NOW, tz=datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}
    for k in extra:
        m[k] = {'secret_key_2': SECRET2}.get(k, T_SIGNING['meta'].get(k))
    return m


def outcome(call):
    try:
        return {'outcome': 'ok', 'result': call()}
    except signing.SignatureExpired as e:
        return {'outcome': 'SignatureExpired', 'exception': 'django.core.signing.SignatureExpired', 'message': str(e)}
    except signing.BadSignature as e:
        return {'outcome': 'BadSignature', 'exception': 'django.core.signing.BadSignature', 'message': str(e)}
    except Exception as e:  # noqa: BLE001 - any other failure is the "error" outcome
        return {'outcome': 'error', 'exception': type(e).__module__ + '.' + type(e).__qualname__,
                'is_value_error': isinstance(e, ValueError), 'message': str(e)}


def remade(old, pairs):
    """The template input `old` for the new set: pairs maps template outputs to the new outputs."""
    if old in pairs:
        return pairs[old]
    best = None
    for o, n in pairs.items():
        if not o or len(o) != len(n) or o.upper() == old:
            if o and o.upper() == old:
                return n.upper()
            continue
        p = 0
        while p < min(len(o), len(old)) and o[p] == old[p]:
            p += 1
        s = 0
        while s < min(len(o), len(old)) - p and o[-1 - s] == old[-1 - s]:
            s += 1
        if p + s >= len(o) * 0.6 and (best is None or p + s > best[0]):
            best = (p + s, n[:p] + old[p:len(old) - s] + (n[len(n) - s:] if s else ''))
    return best[1] if best else old


def json_text(v):
    return JSONSerializer().dumps(v).decode('latin-1')


def write(name, data):
    with open(os.path.join(OUT, name), 'w', encoding='utf-8') as f:
        json.dump(data, f, indent=1)


def payload_fields(text):
    value = py(text)
    fields = {'payload_python': repr(value)}
    try:
        plain = json.loads(json.dumps(value, allow_nan=False))
        representable = plain == value and repr(plain) == repr(value)
    except ValueError:
        representable = False
    if representable:
        fields['payload'] = plain
    else:
        fields['payload'] = None
        fields['payload_not_representable'] = True
    return value, fields


# ------------------------------------------------------------------ signing.json
def gen_signing():
    out = {'meta': meta(['secret_key_2', 'unicode_key'])}
    alphabet = T_SIGNING['base62']['alphabet']
    out['base62'] = {'alphabet': alphabet, 'cases': []}
    for c in T_SIGNING['base62']['cases'] + [{'int': int(NOW)}, {'int': 62 ** 5 - 1}]:
        text = baseconv.base62.encode(c['int'])
        out['base62']['cases'].append({'int': c['int'], 'base62': text, 'decodes_back': baseconv.base62.decode(text) == c['int']})
    out['separator_validation'] = {'regex_python': T_SIGNING['separator_validation']['regex_python'], 'cases': []}
    for c in T_SIGNING['separator_validation']['cases']:
        try:
            ex, err = signing.Signer(sep=c['sep']).sign('v'), None
        except ValueError as e:
            ex, err = None, str(e)
        out['separator_validation']['cases'].append({'sep': c['sep'], 'allowed': err is None, 'signed_example': ex, 'error': err})
    pairs = {}
    out['sign'] = []
    for c in T_SIGNING['sign']:
        n = dict(c)
        n['key'] = key(c['key'])
        cls = signing.TimestampSigner if c['class'] == 'TimestampSigner' else signing.Signer
        if cls is signing.TimestampSigner:
            n['sign_time'] = shifted(c['sign_time'])
            at(n['sign_time'])
        else:
            at(NOW)
        signer = cls(key=n['key'], sep=c['sep'], salt=c['salt'], algorithm=c['algorithm'])
        n['key_used'] = signer.key
        n['effective_salt'] = signer.salt
        n['hmac_key_salt'] = signer.salt + 'signer'
        n['effective_algorithm'] = signer.algorithm
        n['signed'] = signer.sign(c['value'])
        n['signature'] = n['signed'].rsplit(c['sep'], 1)[1]
        import hashlib
        n['derived_hmac_key_hex'] = hashlib.new(signer.algorithm, (n['hmac_key_salt'] + signer.key).encode()).hexdigest()
        if cls is signing.TimestampSigner:
            n['timestamp_int'] = int(n['sign_time'])
            n['timestamp_base62'] = baseconv.base62.encode(int(n['sign_time']))
            n['signed_value_part'] = n['signed'].rsplit(c['sep'], 1)[0]
        pairs[c['signed']] = n['signed']
        out['sign'].append(n)
    out['verify'] = []
    sign_by_id = {c['id']: c for c in out['sign']}
    for c in T_SIGNING['verify']:
        n = {k: c[k] for k in ('id', 'class', 'salt', 'sep', 'algorithm', 'max_age') if k in c}
        n['key'] = key(c['key'])
        n['now'] = shifted(c['now'])
        if c['id'].startswith('ok-') and c['id'][3:] in sign_by_id:
            n['input'] = sign_by_id[c['id'][3:]]['signed']
        elif c['input'] in pairs or c['outcome'] == 'BadSignature':
            n['input'] = remade(c['input'], pairs)
        else:  # a validly signed oddity: sign its value part again with the case's own signer
            n['input'] = signing.Signer(key=n['key'], sep=c['sep'] or ':', algorithm=c['algorithm'],
                                        salt=(c['salt'] or '') or 'django.core.signing.' + c['class']
                                        ).sign(c['input'].rsplit(c['sep'] or ':', 1)[0])
        if c.get('max_age_given_as_timedelta'):
            n['max_age_given_as_timedelta'] = True
        at(n['now'])
        cls = signing.TimestampSigner if c['class'] == 'TimestampSigner' else signing.Signer
        signer = cls(key=n['key'], sep=c['sep'] or ':', salt=c['salt'], algorithm=c['algorithm'])
        if cls is signing.TimestampSigner:
            age = c.get('max_age')
            if age is not None and c.get('max_age_given_as_timedelta'):
                age = datetime.timedelta(seconds=age)
            n.update(outcome(lambda: signer.unsign(n['input'], max_age=age)))
        else:
            n.update(outcome(lambda: signer.unsign(n['input'])))
        out['verify'].append(n)
    dumps_pairs = {}
    out['dumps'] = []
    for c in T_SIGNING['dumps']:
        value, fields = payload_fields(c['payload_python'])
        n = {'id': c['id'], **fields}
        n['key'], n['salt'], n['compress'] = key(c['key']), c['salt'], c['compress']
        n['effective_salt'] = signing.TimestampSigner(salt=c['salt'] if c['salt'] is not None else 'django.core.signing').salt
        n['now'] = NOW
        at(NOW)
        data = json.dumps(value, separators=(',', ':')).encode('latin-1')
        n['json_text'] = data.decode('latin-1')
        z = zlib.compress(data)
        n.update({'json_length': len(data), 'zlib_length': len(z), 'zlib_bytes_b64': base64.b64encode(z).decode()})
        kwargs = {'key': n['key'], 'compress': c['compress']}
        if c['salt'] is not None:
            kwargs['salt'] = c['salt']
        n['signed'] = signing.dumps(value, **kwargs)
        n['base64_part'] = n['signed'].split(':')[0]
        n['compressed'] = n['signed'].startswith('.')
        n['timestamp_base62'] = n['signed'].split(':')[1]
        loaded = signing.loads(n['signed'], **{k: v for k, v in kwargs.items() if k != 'compress'})
        n['loads_json_text'] = json.dumps(loaded, separators=(',', ':'))
        dumps_pairs[c['signed']] = n['signed']
        out['dumps'].append(n)
    out['loads'] = []
    for c in T_SIGNING['loads']:
        n = {'id': c['id'], 'key': key(c['key']), 'salt': c['salt'], 'max_age': c['max_age'], 'now': shifted(c['now'])}
        salt = c['salt'] if c['salt'] is not None else 'django.core.signing'
        if c['id'].startswith('crafted-'):
            at(NOW)
            n['input'] = signing.TimestampSigner(key=n['key'] or SECRET, salt=salt).sign(c['input'].split(':')[0])
        else:
            n['input'] = remade(c['input'], dumps_pairs)
        at(n['now'])
        kwargs = {'key': n['key'], 'max_age': c['max_age']}
        if c['salt'] is not None:
            kwargs['salt'] = c['salt']
        r = outcome(lambda: signing.loads(n['input'], **kwargs))
        if r['outcome'] == 'ok':
            v = r.pop('result')
            r['result_json_text'] = json.dumps(v, separators=(',', ':'))
            r['result_payload_python'] = repr(v)
        n.update(r)
        out['loads'].append(n)
    out['signed_cookie_values'] = []
    for c in T_SIGNING['signed_cookie_values']:
        at(NOW)
        r = HttpResponse()
        r.set_signed_cookie(c['cookie_name'], c['value'], salt=c['salt_argument'])
        out['signed_cookie_values'].append({
            'cookie_name': c['cookie_name'], 'salt_argument': c['salt_argument'], 'value': c['value'], 'now': NOW,
            'signer_key': 'django.http.cookies' + SECRET, 'signer_salt': c['cookie_name'] + c['salt_argument'],
            'signed': r.cookies[c['cookie_name']].value})
    out['salted_hmac'] = []
    for c in T_SIGNING['salted_hmac']:
        secret = key(c['secret'])
        out['salted_hmac'].append({**c, 'secret': secret, 'hexdigest': salted_hmac(
            c['key_salt'], c['value'], secret, algorithm=c['algorithm']).hexdigest()})
    write('signing.json', out)


# ------------------------------------------------------------------ serializer.json
EXTRA_PAYLOADS = [
    # Not in the template: shapes only payload_python can describe, for the literal parser.
    ('extra-second-set-nested-tuples', "{'t': (1, (2.5, 'x\\ty', -0.0), [True, None, ()]), 'big': 2 ** 70}"),
    ('extra-second-set-non-finite-in-list', "{'l': [float('nan'), float('inf'), -float('inf'), 1e-07]}"),
    ('extra-second-set-escapes', "{'s': 'q\"\\\\\\x7f\\u00e9\\U0001f600\\n', 'neg': -12345678901234567890123}"),
]


def gen_serializer():
    out = {'meta': meta(), 'cases': [], 'foreign_input': []}
    src = [(c['id'], c['payload_python']) for c in T_SERIALIZER['cases']] + EXTRA_PAYLOADS
    for cid, text in src:
        value, fields = payload_fields(text)
        data = JSONSerializer().dumps(value)
        decoded = JSONSerializer().loads(data)
        again = JSONSerializer().dumps(decoded)
        out['cases'].append({'id': cid, **fields, 'json_text': data.decode('latin-1'),
                             'json_bytes_hex': data.hex() if len(data) <= 64 else None, 'json_length': len(data),
                             'is_ascii_only': all(b < 128 for b in data),
                             'nonstandard_json_tokens': b'NaN' in data or b'Infinity' in data,
                             'decoded_json_text': again.decode('latin-1'), 'roundtrip_identical': again == data,
                             'decoded_python': repr(decoded)})
    for c in T_SERIALIZER['foreign_input']:
        raw = bytes.fromhex(c['input_bytes_hex'])
        n = {'id': c['id'], 'input_bytes_hex': c['input_bytes_hex'], 'input_latin1_text': raw.decode('latin-1')}
        r = outcome(lambda: JSONSerializer().loads(raw))
        if r['outcome'] == 'ok':
            v = r.pop('result')
            r['result_json_text'] = JSONSerializer().dumps(v).decode('latin-1')
            r['result_python'] = repr(v)
        n.update(r)
        out['foreign_input'].append(n)
    write('serializer.json', out)


# ------------------------------------------------------------------ sessions.json
SESSION_SALT = 'django.contrib.sessions.SessionStore'
COOKIE_SALT = 'django.contrib.sessions.backends.signed_cookies'
EXTRA_SESSION_PAYLOADS = [('custom-expiry-7200', "{'k': 'v', '_session_expiry': 7200}")]


def gen_sessions():
    out = {'meta': meta(['secret_key_2']), 'payloads': [], 'backends': []}
    payloads = {}
    for pid, text in [(p['id'], p['payload_python']) for p in T_SESSIONS['payloads']] + EXTRA_SESSION_PAYLOADS:
        value, fields = payload_fields(text)
        payloads[pid] = value
        out['payloads'].append({'id': pid, **fields, 'json_text': json_text(value)})
    pairs = {}
    old_enc = {e['payload_id']: e['encoded'] for e in T_SESSIONS['backends'][0]['encodings']}
    modules = {'db': DbStore, 'cache': cache_backend.SessionStore, 'cached_db': cached_db.SessionStore,
               'file': FileStore, 'signed_cookies': CookieStore}
    for b in T_SESSIONS['backends']:
        store = modules[b['backend']]
        at(NOW)
        entry = {k: b[k] for k in ('backend', 'module', 'class_qualname', 'serializer')}
        entry.update({'key_salt': store().key_salt, 'signing_salt_hmac_key_salt': store().key_salt + 'signer',
                      'legacy_hash_key_salt': 'django.contrib.sessions' + store.__name__, 'encodings': []})
        for pid, value in payloads.items():
            enc = store().encode(value)
            dec = store().decode(enc)
            entry['encodings'].append({'payload_id': pid, 'now': NOW, 'encoded': enc, 'compressed': enc.startswith('.'),
                                       'decoded_json_text': json_text(dec),
                                       'decode_matches_input_json': json_text(dec) == json_text(value), 'decode_logs': []})
            if pid in old_enc:
                pairs[old_enc[pid]] = enc
        out['backends'].append(entry)
    out['has_legacy_decode'] = hasattr(DbStore, '_legacy_decode')
    out['legacy_format'] = []
    for c in T_SESSIONS['legacy_format']:
        value = payloads[c['payload_id']]
        enc = DbStore()._legacy_encode(value)
        with override_settings(DEFAULT_HASHING_ALGORITHM='sha1'):
            sha1 = DbStore().encode(value)
        raw = base64.b64decode(enc)
        out['legacy_format'].append({'payload_id': c['payload_id'], 'encoded': enc, 'hmac_sha1_hex': raw[:40].decode(),
                                     'serialized_json': raw[41:].decode('latin-1'),
                                     'hmac_key_salt': 'django.contrib.sessionsSessionStore',
                                     'encode_with_DEFAULT_HASHING_ALGORITHM_sha1': sha1, 'same_as_legacy_encode': sha1 == enc})
        pairs[c['encoded']] = enc
    out['decode'] = []
    for c in T_SESSIONS['decode']:
        n = {'id': c['id'], 'now': shifted(c['now'])}
        if c.get('settings'):
            n['settings'] = c['settings']
        if c['id'].startswith('crafted-'):
            at(NOW)
            n['input'] = signing.TimestampSigner(salt=SESSION_SALT).sign(c['input'].split(':')[0])
        elif c['id'] == 'sha1-signed-current-format':
            at(NOW)
            n['input'] = signing.dumps(payloads['auth'], salt=SESSION_SALT, compress=True) if False else \
                signing.TimestampSigner(salt=SESSION_SALT, algorithm='sha1').sign(pairs[old_enc['auth']].rsplit(':', 2)[0])
        else:
            n['input'] = remade(c['input'], pairs)
        at(n['now'])
        with override_settings(**(c.get('settings') or {})):
            r = outcome(lambda: DbStore().decode(n['input']))
        if r['outcome'] == 'ok':
            r['result_json_text'] = json.dumps(r.pop('result'), separators=(',', ':'))
        n.update(r)
        n['logs'] = []
        out['decode'].append(n)
    out['signed_cookies_values'] = []
    cookie_pairs = {}
    old_cookies = {c['payload_id']: c['cookie_value'] for c in T_SESSIONS['signed_cookies_values']}
    for pid, value in payloads.items():
        at(NOW)
        s = CookieStore()
        s.update(value)
        s.save()
        cookie = s.session_key
        loads = []
        for label, t in (('at-now', NOW), ('at-max-age', int(NOW) + 1209600.0), ('after-max-age', int(NOW) + 1209600.5)):
            at(t)
            r = CookieStore(cookie)
            data = r.load()
            loads.append({'label': label, 'now': t, 'loaded_json_text': json_text(data), 'modified_after_load': r.modified})
        out['signed_cookies_values'].append({'payload_id': pid, 'now': NOW, 'salt': COOKIE_SALT, 'cookie_value': cookie,
                                             'compressed': cookie.startswith('.'), 'SESSION_COOKIE_AGE': 1209600,
                                             'loads': loads})
        if pid in old_cookies:
            cookie_pairs[old_cookies[pid]] = cookie
    at(NOW)
    tampered = remade(T_SESSIONS['signed_cookies_tampered']['input'], cookie_pairs)
    r = CookieStore(tampered)
    out['signed_cookies_tampered'] = {'input': tampered, 'loaded_json_text': json_text(r.load()),
                                      'modified_after_load': r.modified}
    out['expiry_in_session_dict'] = []
    for c in T_SESSIONS['expiry_in_session_dict']:
        arg = c['set_expiry']
        if isinstance(arg, int) and arg not in (0,):
            arg = EXPIRY
        at(NOW)
        s = DbStore()
        s['k'] = 'v'
        if isinstance(arg, str):
            seconds = EXPIRY + 7
            s.set_expiry(datetime.timedelta(seconds=seconds))
            n = {'set_expiry': 'timedelta(seconds=%d)' % seconds, 'stored_value_python': repr(s['_session_expiry'])}
            try:
                s.encode(s._session)
                n['encode_outcome'] = 'ok'
            except TypeError as e:
                n['encode_outcome'], n['encode_error'] = 'error', str(e)
        else:
            s.set_expiry(arg)
            n = {'set_expiry': arg, 'session_json_text': json_text(s._session), 'encoded': s.encode(s._session),
                 'get_expiry_age': s.get_expiry_age(), 'get_expire_at_browser_close': s.get_expire_at_browser_close()}
        out['expiry_in_session_dict'].append(n)
    write('sessions.json', out)


# ------------------------------------------------------------------ backends.json
def gen_backends():
    out = {'meta': meta()}
    prefixes = {'cache': cache_backend.KEY_PREFIX, 'cached_db': cached_db.KEY_PREFIX}
    cases = []
    at(NOW)
    sk = DbStore()._get_new_session_key()
    for prefix, version in (('', 1), ('shop', 3), ('a:b', 12)):
        for backend in ('cache', 'cached_db'):
            cache = BaseCache({'KEY_PREFIX': prefix, 'VERSION': version})
            cases.append({'cache_alias': 'default', 'cache_backend': 'django.core.cache.backends.locmem.LocMemCache',
                          'KEY_PREFIX': prefix, 'VERSION': version, 'session_backend': backend, 'session_key': sk,
                          'session_backend_cache_key': prefixes[backend] + sk,
                          'final_cache_key': cache.make_key(prefixes[backend] + sk)})
    out['cache_keys'] = {'cases': cases, 'cache_key_prefix_constants': prefixes}
    out['memcached_storage'] = {'available': False, 'writes': [],
                                'note': 'not generated: the second set records no memcached server writes'}
    mc = BaseMemcachedCache('127.0.0.1:1', {}, library=type('NoLibrary', (), {'Client': None}), value_not_found_exception=KeyError)
    out['memcached_timeouts'] = []
    for age in sorted({c['session_expiry_age'] for c in T_BACKENDS['memcached_timeouts']} | {EXPIRY}):
        at(NOW)
        out['memcached_timeouts'].append({'session_expiry_age': age, 'timeout_sent_to_memcached': mc.get_backend_timeout(age), 'now': NOW})
    out['redis'] = T_BACKENDS['redis']
    at(NOW)
    s = FileStore()
    value = py(next(p['payload_python'] for p in T_SESSIONS['payloads'] if p['id'] == 'unicode'))
    s.update(value)
    s.create()
    name = settings.SESSION_COOKIE_NAME + s.session_key
    with open(os.path.join(FILE_DIR, name), encoding='ascii') as f:
        content = f.read()
    out['file_backend'] = {'saved_session': {
        'session_key': s.session_key, 'file_name': name, 'now': NOW, 'file_content': content,
        'file_content_is_encode_output': content == s.encode(value),
        'loaded_back_json_text': json_text(FileStore(s.session_key).load()), 'files_in_dir': sorted(os.listdir(FILE_DIR))},
        'valid_key_chars': FileStore.VALID_KEY_CHARS if hasattr(FileStore, 'VALID_KEY_CHARS') else None}
    rows = []
    for rid, saved_at, data, expiry in (
            ('default-age', NOW, {'_auth_user_id': '42', 'lang': 'fr'}, None),
            ('custom-expiry', NOW + 17.5, {'cart': [4, 5], '_session_expiry': EXPIRY}, EXPIRY),
            ('already-expired', NOW - 1209600 - 3600.5, {'stale': 'yes'}, None),
            ('expired-custom', NOW - EXPIRY - 1, {'n': 1}, EXPIRY)):
        at(saved_at)
        s = DbStore()
        s.update(data)
        if expiry is not None:
            s.set_expiry(expiry)
        s.create()
        rows.append({'id': rid, 'saved_at': saved_at, 'session_key': s.session_key,
                     'session_dict_json_text': json_text(s._session),
                     'expire_date_utc_iso': s.get_expiry_date().isoformat()})
    at(NOW)
    con = sqlite3.connect(DB_FILE)
    for r in rows:
        r['saved_at_iso'] = datetime.datetime.fromtimestamp(r['saved_at'], tz=datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')
        r['loaded_at_now_json_text'] = json_text(DbStore(r['session_key']).load())
        r['session_data_column'], r['expire_date_column_text'] = con.execute(
            'SELECT session_data, expire_date FROM django_session WHERE session_key = ?', (r['session_key'],)).fetchone()
    master = [dict(zip(('type', 'name', 'tbl_name', 'sql'), row)) for row in
              con.execute('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name')]
    migrations = [list(r) for r in con.execute('SELECT app, name FROM django_migrations')]
    con.close()
    import io
    buf = io.StringIO()
    call_command('sqlmigrate', 'sessions', '0001', stdout=buf)
    out['db_backend'] = {'sqlite_file': 'django_session.sqlite3', 'rows': rows, 'sqlite_master': master,
                         'django_migrations_rows': migrations, 'USE_TZ': True, 'sqlmigrate_sqlite': buf.getvalue(),
                         'postgresql_connected': False,
                         'postgresql_note': 'not generated: psycopg2 is not installed for the generator'}
    write('backends.json', out)


# ------------------------------------------------------------------ session_keys.json
def gen_keys():
    from django.contrib.sessions.backends.base import VALID_KEY_CHARS
    at(NOW)
    out = {'meta': meta(), 'generation': {'alphabet': VALID_KEY_CHARS, 'length': 32,
                                          'sample_keys_random': [DbStore()._get_new_session_key() for _ in range(12)],
                                          'note': 'sample keys are truly random (they change every run)'}, 'candidates': []}
    cache = BaseCache({})
    for c in [t['candidate'] for t in T_KEYS['candidates']] + ['z' * 9, 'x' * 300]:
        n = {'candidate': c, 'length': None if c is None else len(c)}
        s = DbStore(c)
        n['validate_session_key'] = bool(s._validate_session_key(c))
        n['session_key_after_assignment'] = s.session_key
        n['signed_cookies_session_key_after_assignment'] = CookieStore(c).session_key
        n['only_chars_from_alphabet'] = c is not None and c != '' and set(c) <= set(VALID_KEY_CHARS)
        if c is not None:
            final = cache.make_key(cache_backend.KEY_PREFIX + c)
            warnings_ = list(memcache_key_warnings(final))
            n.update({'memcached_final_key': final, 'memcached_key_valid': not warnings_,
                      'memcached_error': warnings_[0] if warnings_ else None, 'memcached_final_key_length': len(final)})
        out['candidates'].append(n)
    write('session_keys.json', out)


# ------------------------------------------------------------------ middleware.json
VIEWS = {
    'write': "request.session['colour'] = 'teal'",
    'read': "request.session.get('colour')",
    'none': 'does not touch request.session',
    'flush': 'request.session.flush()',
    'clear': 'request.session.clear()',
    'set_expiry_seconds': "request.session['colour'] = 'teal'; request.session.set_expiry(%d)" % EXPIRY,
    'set_expiry_0': "request.session['colour'] = 'teal'; request.session.set_expiry(0)",
    'write_500': "request.session['colour'] = 'teal'; returns status 500",
    'write_with_vary': "request.session['colour'] = 'teal'; response already has 'Vary: Accept-Language'",
    'read_with_vary_star': "request.session.get('colour'); response already has 'Vary: *'",
    'cycle_key': 'request.session.cycle_key()',
}
EXTRA_MIDDLEWARE = [
    {'id': 'secure-prefix-name-without-secure', 'view': 'write', 'incoming_session': None,
     'settings': {'SESSION_ENGINE': 'django.contrib.sessions.backends.cache', 'SESSION_COOKIE_NAME': '__Secure-sid'}},
    {'id': 'signed-cookies-set-expiry-seconds', 'view': 'set_expiry_seconds', 'incoming_session': None,
     'settings': {'SESSION_ENGINE': 'django.contrib.sessions.backends.signed_cookies'}},
]


def view_for(name):
    def view(request):
        status, vary = 200, None
        if name in ('write', 'write_500', 'write_with_vary', 'set_expiry_seconds', 'set_expiry_0'):
            request.session['colour'] = 'teal'
        if name in ('read', 'read_with_vary_star'):
            request.session.get('colour')
        if name == 'flush':
            request.session.flush()
        if name == 'clear':
            request.session.clear()
        if name == 'cycle_key':
            request.session.cycle_key()
        if name == 'set_expiry_seconds':
            request.session.set_expiry(EXPIRY)
        if name == 'set_expiry_0':
            request.session.set_expiry(0)
        if name == 'write_500':
            status = 500
        if name == 'write_with_vary':
            vary = 'Accept-Language'
        if name == 'read_with_vary_star':
            vary = '*'
        r = HttpResponse('ok', status=status)
        if vary:
            r['Vary'] = vary
        return r
    return view


def gen_middleware():
    out = {'meta': meta(), 'cases': [], 'views': VIEWS}
    for c in list(T_MIDDLEWARE['cases']) + EXTRA_MIDDLEWARE:
        at(NOW)
        with override_settings(**c['settings']):
            name = settings.SESSION_COOKIE_NAME
            signed = c['settings']['SESSION_ENGINE'].endswith('signed_cookies')
            incoming = c.get('incoming_session')
            value = None
            if incoming == 'existing' and signed:
                value = signing.dumps({'k': 'existing'}, salt=COOKIE_SALT, compress=True)
            elif incoming == 'existing':
                s = cache_backend.SessionStore()
                s['k'] = 'existing'
                s.create()
                value = s.session_key
            elif incoming == 'bogus' and signed:
                good = signing.dumps({'k': 'existing'}, salt=COOKIE_SALT, compress=True)
                value = good.replace('eyJr', 'eyJy', 1)
            elif incoming == 'bogus':
                value = DbStore()._get_new_session_key()
            elif incoming == 'short':
                value = 'abc123'
            elif incoming == 'expired':
                at(NOW - settings.SESSION_COOKIE_AGE - 1)
                value = signing.dumps({'k': 'existing'}, salt=COOKIE_SALT, compress=True)
                at(NOW)
            header = None if value is None else name + '=' + value
            request = RequestFactory().get('/some/page', **({'HTTP_COOKIE': header} if header else {}))
            response = SessionMiddleware(view_for(c['view']))(request)
            morsels = list(response.cookies.values())
            set_cookie = [m.OutputString() for m in morsels]
            key_after = request.session.session_key
            n = {'id': c['id'], 'now': NOW, 'now_iso': meta()['now_iso'], 'settings': c['settings'], 'view': c['view'],
                 'request_cookie_header': header, 'incoming_session': incoming, 'status_code': response.status_code,
                 'set_cookie': set_cookie, 'set_cookie_wsgi_header_values': [m.output(header='') for m in morsels],
                 'vary': response.get('Vary'), 'session_key_after': key_after, 'logs': []}
            normalized = []
            for m, line in zip(morsels, set_cookie):
                if not signed and m.value and m.value == key_after:
                    line = line.replace(name + '=' + m.value + ';', name + '={SESSION_KEY};', 1)
                if m['expires'] and m['expires'] != 'Thu, 01 Jan 1970 00:00:00 GMT':
                    line = line.replace('expires=' + m['expires'], 'expires={EXPIRES}')
                normalized.append(line)
            n['set_cookie_normalized'] = normalized
            if morsels:
                m = morsels[0]
                attrs = {'name': m.key, 'value': m.value}
                for a in ('expires', 'path', 'domain', 'max-age', 'secure', 'httponly', 'samesite'):
                    if m[a] not in ('', None, False):
                        attrs[a] = m[a]
                n['cookie_attributes'] = attrs
                n['expected_expires_epoch'] = int(NOW + m['max-age']) if m['max-age'] not in ('', 0) else 0
                if m['max-age'] == '':
                    del n['expected_expires_epoch']
            out['cases'].append(n)
    write('middleware.json', out)


call_command('migrate', 'sessions', verbosity=0)
gen_signing()
gen_serializer()
gen_sessions()
gen_backends()
gen_keys()
gen_middleware()
with open(os.path.join(OUT, 'README.md'), 'w') as f:
    f.write('Second Django vector set, generated at test time by generate_vector_set.py (same format as the '
            'bundled set; see its README.md). SECRET_KEY, the frozen clock and set_expiry() differ.\n')
print('generated', OUT)
