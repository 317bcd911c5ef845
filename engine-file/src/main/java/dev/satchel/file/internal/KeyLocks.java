package dev.satchel.file.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One lock per session file name, shared by every thread and every process that uses the session
 * directory, so that the steps "check the file exists, rename over it" of an update, a delete, a
 * create and an expiry check's "set aside, judge, put back" never interleave for one key.
 *
 * <h2>Design</h2>
 *
 * All keys share one lock file in the session directory, {@value #FILE_NAME} (empty, mode 0600, never
 * read or written, never removed, so nothing piles up), and each name locks one byte of it: the byte
 * at a 62-bit hash of the name, a POSIX record lock ({@code fcntl}) taken with {@link
 * FileChannel#tryLock(long, long, boolean)}. Record locks may lie beyond the end of the file, and the
 * kernel drops them when a process dies, so a killed process never leaves a key locked. The name
 * starts with a dot and never with the cookie name, so neither Satchel's sweep nor Django's {@code
 * clearsessions} takes it for a session, and a sweep still opens no session file.
 *
 * <p>POSIX record locks belong to the process, and closing any descriptor of the file drops all of
 * them; the JVM also refuses overlapping locks from two threads. So each JVM uses one channel per
 * directory (shared by every engine on it, see {@link #forDirectory}), and threads first take an
 * in-process lock chosen by the same hash, so no two threads ever ask the JVM for the same byte.
 * The channel is open only while some thread holds or waits for a lock: an idle engine keeps no file
 * open for writing (which would, for one, stop an operator from remounting the filesystem
 * read-only).
 * Waiting polls {@code tryLock} (a blocking {@code lock} closes the shared channel if its thread is
 * interrupted, silently dropping every other thread's locks) and gives up with an {@link IOException}
 * after {@value #WAIT_SECONDS} seconds, so a stopped process cannot hang its peers forever.
 *
 * <p>If the directory is removed and recreated, or the lock file deleted, a process holding the old
 * file would no longer exclude one that opened the new one; each lock therefore checks, once held,
 * that the lock file at the path is still the one it locked, and reopens it otherwise.
 */
public final class KeyLocks {
    /** The lock file's name, unless the cookie name is a prefix of it (see {@link #fileName}). */
    public static final String FILE_NAME = ".satchel-lock";

    static final long WAIT_SECONDS = 10;
    private static final int STRIPES = 256;
    private static final Map<Path, KeyLocks> OPEN = new HashMap<>();

    private final Path directory;
    private final Path file;
    private final IoCheck beforeOpen;
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final ReentrantReadWriteLock channelGuard = new ReentrantReadWriteLock();
    private FileChannel channel; // guarded by channelGuard
    private Object identity; // guarded by channelGuard
    private boolean identityKnown; // guarded by channelGuard: false where files have no identity (fileKey)
    private int users; // guarded by OPEN
    private final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();

    /** A check run before the lock file is (re)opened: the directory must still be the right one. */
    @FunctionalInterface
    public interface IoCheck {
        void run() throws IOException;
    }

    private KeyLocks(Path directory, Path file, IoCheck beforeOpen) {
        this.directory = directory;
        this.file = file;
        this.beforeOpen = beforeOpen;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** The lock file name for session files starting with {@code prefix}: never one of them. */
    public static String fileName(String prefix) {
        return FILE_NAME.startsWith(prefix) ? "_" + FILE_NAME.substring(1) : FILE_NAME;
    }

    /**
     * The locks of a directory, shared by all its users in this JVM; {@link #release()} once done.
     * Nothing is opened until the first lock.
     */
    public static KeyLocks forDirectory(Path directory, String lockFileName, IoCheck beforeOpen) {
        Path key = directory.toAbsolutePath().normalize().resolve(lockFileName);
        try {
            key = directory.toRealPath().resolve(lockFileName);
        } catch (IOException missing) {
            // Not there yet: it is created 0700 before the first lock; the given path is the name.
        }
        synchronized (OPEN) {
            KeyLocks locks = OPEN.computeIfAbsent(
                    key, k -> new KeyLocks(directory, directory.resolve(lockFileName), beforeOpen));
            locks.users++;
            return locks;
        }
    }

    /** Drops one user; the last one closes the lock file. */
    public void release() {
        synchronized (OPEN) {
            if (--users > 0) {
                return;
            }
            OPEN.values().remove(this);
        }
        channelGuard.writeLock().lock();
        try {
            closeChannel();
        } finally {
            channelGuard.writeLock().unlock();
        }
    }

    /** A lock held on one name; closing it lets the next holder in. */
    public final class Held implements AutoCloseable {
        private final FileLock fileLock;
        private final ReentrantLock stripe;

        private Held(FileLock fileLock, ReentrantLock stripe) {
            this.fileLock = fileLock;
            this.stripe = stripe;
        }

        @Override
        public void close() {
            try {
                fileLock.release();
            } catch (IOException closed) {
                // The channel is gone, and with it the lock.
            } finally {
                channelGuard.readLock().unlock();
                stripe.unlock();
                idle();
            }
        }
    }

    /** After a lock is let go or given up: the last active thread closes the channel. */
    private void idle() {
        if (active.decrementAndGet() == 0 && channelGuard.writeLock().tryLock()) {
            try {
                if (active.get() == 0) {
                    closeChannel();
                }
            } finally {
                channelGuard.writeLock().unlock();
            }
        }
    }

    /**
     * Waits for the lock on {@code name}, up to {@value #WAIT_SECONDS} seconds.
     *
     * @throws IOException if the lock file cannot be opened, the wait times out or is interrupted
     */
    public Held lock(String name) throws IOException {
        long slot = slot(name);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        ReentrantLock stripe = stripes[(int) (slot % STRIPES)];
        try {
            if (!stripe.tryLock(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw busy();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for a session file lock");
        }
        active.incrementAndGet();
        boolean held = false;
        try {
            while (true) {
                channelGuard.readLock().lock();
                boolean readHeld = true;
                try {
                    FileChannel ch = channel;
                    if (ch != null && ch.isOpen()) {
                        FileLock fileLock = tryLockUntil(ch, slot, deadline);
                        boolean same;
                        try {
                            same = !identityKnown || (identity != null && identity.equals(currentIdentity()));
                        } catch (IOException | RuntimeException e) {
                            fileLock.release();
                            throw e;
                        }
                        if (same) {
                            held = true;
                            return new Held(fileLock, stripe);
                        }
                        // The lock file was replaced (the directory recreated): lock the new one.
                        fileLock.release();
                    }
                    channelGuard.readLock().unlock();
                    readHeld = false;
                    reopen(ch);
                } finally {
                    if (readHeld && !held) {
                        channelGuard.readLock().unlock();
                    }
                }
            }
        } finally {
            if (!held) {
                stripe.unlock();
                idle();
            }
        }
    }

    private FileLock tryLockUntil(FileChannel ch, long slot, long deadline) throws IOException {
        long pauseNanos = 50_000;
        while (true) {
            try {
                FileLock lock = ch.tryLock(slot, 1, false);
                if (lock != null) {
                    return lock;
                }
            } catch (OverlappingFileLockException sameJvm) {
                // This JVM reaches the file under another path too: wait for that holder like any other.
            }
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while waiting for a session file lock");
            }
            if (System.nanoTime() - deadline > 0) {
                throw busy();
            }
            LockSupport.parkNanos(pauseNanos);
            pauseNanos = Math.min(pauseNanos * 2, 5_000_000);
        }
    }

    private void reopen(FileChannel stale) throws IOException {
        channelGuard.writeLock().lock();
        try {
            if (channel != stale) {
                return; // another thread reopened it meanwhile
            }
            closeChannel();
            beforeOpen.run();
            FileAttribute<?>[] mode =
                    file.getFileSystem().supportedFileAttributeViews().contains("posix")
                            ? new FileAttribute<?>[] {
                                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
                            }
                            : new FileAttribute<?>[0];
            FileChannel opened = FileChannel.open(
                    file,
                    java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                    mode);
            channel = opened;
            identity = currentIdentity();
            identityKnown = file.getFileSystem().supportedFileAttributeViews().contains("unix");
        } finally {
            channelGuard.writeLock().unlock();
        }
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing only drops locks; nothing was written.
            }
            channel = null;
            identity = null;
            identityKnown = false;
        }
    }

    private Object currentIdentity() throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private IOException busy() {
        return new IOException("A session file in " + directory + " stayed locked for more than " + WAIT_SECONDS
                + " s (another process holds it, perhaps stopped)");
    }

    /** The byte locked for {@code name}: 64-bit FNV-1a of its UTF-8 bytes, cut to 62 bits. */
    static long slot(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h >>> 2;
    }
}
