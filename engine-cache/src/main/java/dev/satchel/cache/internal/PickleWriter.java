package dev.satchel.cache.internal;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes session data (the JSON model: maps with string keys, lists, strings, integers, floats,
 * booleans, {@code null}) as the pickle Python writes for the same dict with protocol 4 or 5: the
 * same opcodes, batches of 1000 items, memo entries and 64 KiB frames, so for data without shared
 * objects the bytes equal {@code pickle.dumps(value, protocol)}.
 */
public final class PickleWriter {
    private static final int FRAME_SIZE_TARGET = 64 * 1024;
    private static final int FRAME_SIZE_MIN = 4;
    private static final int BATCH = 1000;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream frame = new ByteArrayOutputStream();

    private PickleWriter() {}

    /**
     * The pickle of {@code data}.
     *
     * @param protocol 4 or 5
     * @throws IllegalArgumentException if the data holds anything outside the JSON model
     */
    public static byte[] write(Map<String, Object> data, int protocol) {
        if (protocol != 4 && protocol != 5) {
            throw new IllegalArgumentException("pickle protocol must be 4 or 5, not " + protocol);
        }
        PickleWriter w = new PickleWriter();
        w.out.write(0x80);
        w.out.write(protocol);
        w.save(data);
        w.frame.write('.');
        w.commitFrame();
        return w.out.toByteArray();
    }

    private void save(Object value) {
        if (frame.size() >= FRAME_SIZE_TARGET) {
            commitFrame();
        }
        if (value == null) {
            frame.write('N');
        } else if (value instanceof Boolean b) {
            frame.write(b ? 0x88 : 0x89);
        } else if (value instanceof String s) {
            saveString(s);
        } else if (value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte) {
            saveInt(((Number) value).longValue());
        } else if (value instanceof BigInteger big) {
            if (big.bitLength() < 64) {
                saveInt(big.longValue());
            } else {
                saveLong(big);
            }
        } else if (value instanceof Double || value instanceof Float) {
            long bits = Double.doubleToRawLongBits(((Number) value).doubleValue());
            frame.write('G');
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) (bits >>> shift));
            }
        } else if (value instanceof Map<?, ?> map) {
            saveDict(map);
        } else if (value instanceof List<?> list) {
            saveList(list);
        } else {
            throw new IllegalArgumentException(
                    "cannot pickle a " + value.getClass().getName() + ": sessions hold only JSON values");
        }
    }

    private void saveDict(Map<?, ?> map) {
        frame.write('}');
        memoize();
        int n = map.size();
        if (n == 0) {
            return;
        }
        Iterator<? extends Map.Entry<?, ?>> items = map.entrySet().iterator();
        if (n == 1) {
            Map.Entry<?, ?> e = items.next();
            saveKey(e.getKey());
            save(e.getValue());
            frame.write('s');
            return;
        }
        // As CPython: batches of 1000 until one is short, so a multiple of 1000 ends with an empty batch.
        int inBatch;
        do {
            inBatch = 0;
            frame.write('(');
            while (items.hasNext()) {
                Map.Entry<?, ?> e = items.next();
                saveKey(e.getKey());
                save(e.getValue());
                if (++inBatch == BATCH) {
                    break;
                }
            }
            frame.write('u');
        } while (inBatch == BATCH);
    }

    private void saveKey(Object key) {
        if (!(key instanceof String)) {
            throw new IllegalArgumentException("cannot pickle a map key that is not a String");
        }
        save(key);
    }

    private void saveList(List<?> list) {
        frame.write(']');
        memoize();
        int n = list.size();
        if (n == 0) {
            return;
        }
        if (n == 1) {
            save(list.get(0));
            frame.write('a');
            return;
        }
        Iterator<?> items = list.iterator();
        while (items.hasNext()) {
            frame.write('(');
            for (int i = 0; i < BATCH && items.hasNext(); i++) {
                save(items.next());
            }
            frame.write('e');
        }
    }

    private void saveString(String s) {
        byte[] utf8 = Utf8SurrogatePass.encode(s);
        int n = utf8.length;
        if (n <= 0xff) {
            frame.write(0x8c);
            frame.write(n);
            frame.writeBytes(utf8);
        } else if (n >= FRAME_SIZE_TARGET) {
            // A large string goes outside any frame, after the current one is closed.
            commitFrame();
            out.write('X');
            writeLe(out, n, 4);
            out.writeBytes(utf8);
        } else {
            frame.write('X');
            writeLe(frame, n, 4);
            frame.writeBytes(utf8);
        }
        memoize();
    }

    private void saveInt(long v) {
        if (v >= 0 && v <= 0xff) {
            frame.write('K');
            frame.write((int) v);
        } else if (v >= 0 && v <= 0xffff) {
            frame.write('M');
            writeLe(frame, v, 2);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            frame.write('J');
            writeLe(frame, v, 4);
        } else {
            saveLong(BigInteger.valueOf(v));
        }
    }

    /** LONG1 or LONG4: the shortest little-endian two's complement, as Python's {@code encode_long}. */
    private void saveLong(BigInteger v) {
        byte[] bigEndian = v.toByteArray();
        int n = bigEndian.length;
        if (n < 256) {
            frame.write(0x8a);
            frame.write(n);
        } else {
            frame.write(0x8b);
            writeLe(frame, n, 4);
        }
        for (int i = n - 1; i >= 0; i--) {
            frame.write(bigEndian[i]);
        }
    }

    private void memoize() {
        frame.write(0x94);
    }

    private void commitFrame() {
        if (frame.size() == 0) {
            return;
        }
        if (frame.size() >= FRAME_SIZE_MIN) {
            out.write(0x95);
            writeLe(out, frame.size(), 8);
        }
        out.writeBytes(frame.toByteArray());
        frame.reset();
    }

    private static void writeLe(ByteArrayOutputStream to, long v, int bytes) {
        for (int i = 0; i < bytes; i++) {
            to.write((int) (v >>> (8 * i)));
        }
    }
}
