# Pickles made by real Python for PickleFormatTest.
#   cases: one JSON line per case and protocol 0-5: id, protocol, base64 pickle, the value as Satchel
#          must read it (tagged; tuples read as lists), and whether Satchel's writer must match the bytes
#   load:  reads base64 pickles from stdin, one a line, and prints each value tagged
import base64, json, pickle, sys


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
    if isinstance(v, (list, tuple)):
        return ['list', [tag(x) for x in v]]
    if isinstance(v, dict):
        return ['dict', [[k, tag(x)] for k, x in v.items()]]
    return ['unexpected', type(v).__name__]


def fresh(s):
    # A new str object with the same text, so that no two values are one object (pickle memo).
    return (s + '\0')[:-1]


def cases():
    shared_list = [1, 2]
    shared_text = fresh('same text')
    yield 'scalars', True, {
        'none': None, 't': True, 'f': False, 'i0': 0, 'i255': 255, 'i256': 256, 'i65535': 65535,
        'i65536': 65536, 'im1': -1, 'imax32': 2**31 - 1, 'imin32': -2**31, 'i2_31': 2**31,
        'imin32m1': -2**31 - 1, 'i63': 2**63 - 1, 'im63': -2**63, 'i64': 2**64, 'i70': 2**70,
        'im70': -2**70, 'im128': -128, 'im129': -129, 'im32768': -32768, 'big': 10**100,
        'nbig': -(10**100) + 1, 'huge_int': 7**4000, 'fl': 1.5, 'negz': -0.0, 'tiny': 5e-324,
        'huge': 1e300, 'nan': float('nan'), 'inf': float('inf'), 'ninf': float('-inf'),
        'pi': 3.141592653589793}
    yield 'text', True, {
        'empty': '', 'ascii': 'hello', 'latin': 'h\xe9llo', 'emoji': '\U0001F600', 'cjk': '\u6f22\u5b57',
        'controls': 'a\nb\\c\r\x00', 'lone': '\ud800x', 'long300': '\xe9' * 300, 'long70k': 'y' * 70000}
    yield 'nested', True, {
        'a': [1, [2, [3, {'b': None}]]], 'empty_list': [], 'empty_dict': {}, 'one': [1], 'd1': {'k': 'v'}}
    yield 'batches', True, {
        'l1000': list(range(1000)), 'l2500': list(range(2500)),
        'd1000': {('k%d' % i): i for i in range(1000)}, 'd2500': {('j%d' % i): i for i in range(2500)}}
    yield 'frames', True, {'many': ['s%d' % i for i in range(20000)], 'tail': 'end'}
    yield 'session', True, {
        '_auth_user_id': '42', '_auth_user_backend': 'django.contrib.auth.backends.ModelBackend',
        '_auth_user_hash': 'd3b07384d113edec49eaa6238ad5ff00', '_session_expiry': 600, 'cart': ['apple', 'pear']}
    yield 'tuples', False, {'t0': (), 't1': (1,), 't2': (1, 2), 't3': (1, 2, 3), 't4': (1, 2, 3, 4),
                            'nested': ((1,), [(), ('x',)])}
    yield 'shared', False, {'a': shared_list, 'b': shared_list, 'x': shared_text, 'y': shared_text}
    yield 'empty', True, {}


if sys.argv[1] == 'cases':
    for name, exact, value in cases():
        for protocol in range(6):
            print(json.dumps({'id': name, 'protocol': protocol, 'exact': exact,
                              'pickle': base64.b64encode(pickle.dumps(value, protocol)).decode(),
                              'expected': tag(value)}))
elif sys.argv[1] == 'load':
    for line in sys.stdin:
        print(json.dumps(tag(pickle.loads(base64.b64decode(line.strip())))))
