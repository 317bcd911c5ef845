package dev.satchel.internal;

import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * zlib (RFC 1950: header, deflate data, Adler-32) as Python's {@code zlib.compress} and
 * {@code zlib.decompress} use it, with a hard limit on the size of the decompressed output so that
 * a small compressed value can never expand into an out-of-memory error.
 *
 * <p><b>Internal:</b> this class is public only so that Satchel's own packages can share it. It is
 * not part of the supported API and may change without notice.
 */
public final class ZlibCodec {
    private static final int INITIAL_OUTPUT = 1024;
    /** Idle compressors and decompressors kept for reuse: creating one allocates and clears native state. */
    private static final int POOL_SIZE = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private static final ArrayBlockingQueue<Deflater> DEFLATERS = new ArrayBlockingQueue<>(POOL_SIZE);
    private static final ArrayBlockingQueue<Inflater> INFLATERS = new ArrayBlockingQueue<>(POOL_SIZE);

    private ZlibCodec() {}

    /** Compresses like {@code zlib.compress(data)}: default level (6), zlib wrapper. */
    public static byte[] compress(byte[] data) {
        Deflater pooled = DEFLATERS.poll();
        Deflater deflater = pooled != null ? pooled : new Deflater(Deflater.DEFAULT_COMPRESSION);
        boolean reusable = false;
        try {
            deflater.setInput(data);
            deflater.finish();
            byte[] out = new byte[Math.max(64, data.length / 2 + 64)];
            int pos = 0;
            while (!deflater.finished()) {
                if (pos == out.length) {
                    out = Arrays.copyOf(out, out.length * 2);
                }
                pos += deflater.deflate(out, pos, out.length - pos);
            }
            reusable = true;
            return Arrays.copyOf(out, pos);
        } finally {
            release(deflater, reusable);
        }
    }

    /**
     * Decompresses one zlib stream like {@code zlib.decompress(data)}: bytes after the end of the
     * stream are ignored, a truncated stream or a stream that needs a preset dictionary is an
     * error.
     *
     * @param maxBytes the largest output accepted; decompression stops as soon as it is exceeded
     * @throws IllegalArgumentException if the data is not a complete zlib stream or decompresses to
     *     more than {@code maxBytes}
     */
    public static byte[] decompress(byte[] data, int maxBytes) {
        Inflater pooled = INFLATERS.poll();
        Inflater inflater = pooled != null ? pooled : new Inflater();
        boolean reusable = false;
        try {
            inflater.setInput(data);
            // One byte more than allowed, so that going over the limit is detected.
            int limit = (int) Math.min((long) maxBytes + 1, Integer.MAX_VALUE - 8L);
            byte[] out = new byte[Math.min(INITIAL_OUTPUT, limit)];
            int pos = 0;
            long consumed = 0;
            while (!inflater.finished()) {
                if (pos == out.length) {
                    if (pos >= limit) {
                        throw new IllegalArgumentException("decompressed data larger than " + maxBytes + " bytes");
                    }
                    out = Arrays.copyOf(out, (int) Math.min((long) out.length * 2, limit));
                }
                int n = inflater.inflate(out, pos, out.length - pos);
                if (n == 0) {
                    if (inflater.finished()) {
                        break;
                    }
                    if (inflater.needsDictionary()) {
                        throw new IllegalArgumentException("zlib stream needs a preset dictionary");
                    }
                    if (inflater.needsInput()) {
                        throw new IllegalArgumentException("incomplete or truncated zlib stream");
                    }
                    long nowConsumed = inflater.getBytesRead();
                    if (nowConsumed == consumed) {
                        throw new IllegalArgumentException("zlib stream makes no progress");
                    }
                    consumed = nowConsumed;
                } else {
                    consumed = inflater.getBytesRead();
                    pos += n;
                }
            }
            if (pos > maxBytes) {
                throw new IllegalArgumentException("decompressed data larger than " + maxBytes + " bytes");
            }
            reusable = true;
            return Arrays.copyOf(out, pos);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("invalid zlib data: " + e.getMessage(), e);
        } finally {
            release(inflater, reusable);
        }
    }

    /** Returns a compressor to the pool after a complete, successful use; anything else is freed. */
    private static void release(Deflater deflater, boolean reusable) {
        if (reusable) {
            deflater.reset();
            if (DEFLATERS.offer(deflater)) {
                return;
            }
        }
        deflater.end();
    }

    private static void release(Inflater inflater, boolean reusable) {
        if (reusable) {
            inflater.reset();
            if (INFLATERS.offer(inflater)) {
                return;
            }
        }
        inflater.end();
    }
}
