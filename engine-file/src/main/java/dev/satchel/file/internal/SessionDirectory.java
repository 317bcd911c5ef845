package dev.satchel.file.internal;

import dev.satchel.CreateException;
import dev.satchel.SuspiciousSessionException;
import dev.satchel.UpdateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The directory of session files and every filesystem call the file engine makes. Each session is
 * one file named {@code <cookie name><session key>} (Django's layout). Writes go to a temporary file
 * in the same directory, are forced to disk and then renamed into place, so a reader or a crash
 * sees the old or the new version, never a torn one.
 *
 * <p>Names used besides session files (none of them is a valid session file name, so neither
 * Satchel nor Django ever loads them): {@code <name>.tmp-<n>} for a write in progress and {@code
 * <name>.del-<n>} for a file being deleted conditionally. Django's own temporary files are {@code
 * <name>_out_<random>}. All three are removed by the sweeper once they are clearly abandoned.
 *
 * <p>Every change to a session file (create, update, conditional replace, delete, the conditional
 * delete of an expired version) holds that file's {@link KeyLocks lock}, shared with every other
 * thread and process using the directory, around its decisive steps: an update checks that the file
 * exists and renames over it, a conditional replace reads the file, compares it with the version it
 * expects and renames over it, a delete unlinks it, and none can slip between another's steps. The
 * slow part of a write (filling and forcing the temporary file) happens before the lock is taken, so
 * a lock is held for a metadata read (plus, for a conditional replace, reading one small file) and a
 * rename. Reads take no lock: a rename replaces a file atomically.
 *
 * <p>Every method that takes a key validates it first: no path is built from an unchecked key.
 */
public final class SessionDirectory implements AutoCloseable {
    /** Marks a temporary file being written. */
    public static final String TEMP_MARK = ".tmp-";
    /** Marks a file being deleted. */
    public static final String TOMB_MARK = ".del-";
    /** Marks Django's temporary files ({@code mkstemp(prefix=<name> + "_out_")}). */
    public static final String DJANGO_TEMP_MARK = "_out_";

    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final String UNIX_ATTRIBUTES =
            "unix:lastModifiedTime,ctime,fileKey,size,isRegularFile,isSymbolicLink,isDirectory";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;
    private final PrivateDirectory guard;
    private final String prefix;
    private final boolean posix;
    private final AtomicLong contentReads = new AtomicLong();
    private volatile boolean unixAttributes = true;
    private volatile Pause pause = point -> {};
    private KeyLocks locks; // guarded by this; opened on first use
    private boolean closed; // guarded by this

    /**
     * A session directory. The directory is not touched here; call {@link #prepare()} first.
     *
     * @param guard the directory and the rule that keeps it private
     * @param prefix the cookie name, which starts every session file name
     */
    public SessionDirectory(PrivateDirectory guard, String prefix) {
        this.guard = guard;
        this.directory = guard.path();
        this.prefix = prefix;
        this.posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** A session directory that must be private to this user (a configured path, links followed). */
    public SessionDirectory(Path directory, String prefix) {
        this(new PrivateDirectory(directory, true, false), prefix);
    }

    /** The directory. */
    public Path directory() {
        return directory;
    }

    /** The cookie name every session file name starts with. */
    public String prefix() {
        return prefix;
    }

    /**
     * Creates the directory (mode 0700) if it does not exist yet and checks that it is private (see
     * {@link PrivateDirectory}).
     *
     * @throws PrivateDirectory.NotPrivateException if other users could read or change it
     * @throws IOException if it cannot be created or is not a directory
     */
    public void prepare() throws IOException {
        guard.prepare();
    }

    /** The per-name locks, opened on first use. */
    private synchronized KeyLocks locks() throws IOException {
        if (closed) {
            throw new IOException("The file engine was closed");
        }
        if (locks == null) {
            locks = KeyLocks.forDirectory(directory, KeyLocks.fileName(prefix), guard::verify);
        }
        return locks;
    }

    /** Lets go of the lock file (the last user in this JVM closes it). */
    @Override
    public synchronized void close() {
        closed = true;
        if (locks != null) {
            locks.release();
            locks = null;
        }
    }

    /**
     * A test seam: called at the named points of a write or a conditional delete, where a test may
     * hold the thread to force an interleaving. Production code never sets one.
     */
    @FunctionalInterface
    public interface Pause {
        /** In a save: the temporary file is complete and on disk, the name not yet touched. */
        String WRITTEN = "written";
        /**
         * In an update or a conditional save: after the last check of the file (that it exists, or
         * that it is the expected version), holding its lock, right before the rename over it.
         */
        String REPLACE = "replace";
        /** In a conditional delete: right after the entry was renamed aside, before it is judged. */
        String SET_ASIDE = "set-aside";

        void at(String point);
    }

    /** Installs a {@link Pause} (tests only). */
    public void pauseAt(Pause pause) {
        this.pause = pause;
    }

    // ---------------------------------------------------------------- names and keys

    /** Whether {@code key} may name a file: 8 to 40 characters of {@code [a-z0-9]}. */
    public static boolean isValidKey(CharSequence key) {
        if (key == null) {
            return false;
        }
        int n = key.length();
        if (n < 8 || n > 40) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Refuses a key that could not have been generated, before any path is built from it. The
     * message never repeats the key (it may be a credential or hostile text).
     */
    public static void requireValidKey(String key) {
        if (!isValidKey(key)) {
            throw new SuspiciousSessionException("Session key refused by the file engine: "
                    + (key == null ? "no key" : key.length() + " characters")
                    + "; a key must be 8 to 40 characters of [a-z0-9]");
        }
    }

    /** The session key a directory entry stands for, or {@code null} if it is not a session file. */
    public String keyOf(String fileName) {
        if (!fileName.startsWith(prefix)) {
            return null;
        }
        String key = fileName.substring(prefix.length());
        return isValidKey(key) ? key : null;
    }

    /** Whether a directory entry is a temporary or half-deleted file of ours or Django's. */
    public boolean isScratchFile(String fileName) {
        if (!fileName.startsWith(prefix)) {
            return false;
        }
        for (String mark : new String[] {TEMP_MARK, TOMB_MARK, DJANGO_TEMP_MARK}) {
            int at = fileName.indexOf(mark, prefix.length());
            if (at > 0 && isValidKey(fileName.subSequence(prefix.length(), at))) {
                return true;
            }
        }
        return false;
    }

    /** The path of the session file for a key that was validated. */
    public Path path(String key) {
        requireValidKey(key);
        return directory.resolve(prefix + key);
    }

    // ---------------------------------------------------------------- metadata

    /** One metadata read of the session file for {@code key}; {@code null} if there is none. */
    public FileState stat(String key) throws IOException {
        return stat(path(key));
    }

    /** One metadata read of an entry (links are not followed); {@code null} if there is none. */
    public FileState stat(Path file) throws IOException {
        try {
            if (unixAttributes) {
                try {
                    Map<String, Object> a = Files.readAttributes(file, UNIX_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    return new FileState(
                            ((FileTime) a.get("lastModifiedTime")).toInstant(),
                            ((FileTime) a.get("ctime")).toInstant(),
                            a.get("fileKey"),
                            (Long) a.get("size"),
                            (Boolean) a.get("isRegularFile"),
                            (Boolean) a.get("isSymbolicLink"),
                            (Boolean) a.get("isDirectory"));
                } catch (UnsupportedOperationException | IllegalArgumentException e) {
                    // Not a Unix filesystem: no change time, so no file counts as written by Satchel.
                    unixAttributes = false;
                }
            }
            return statBasic(file);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Like {@link #stat(Path)} without the change time ({@code changed} is null); a cheaper read. */
    private static FileState statBasic(Path file) throws IOException {
        try {
            BasicFileAttributes b = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return new FileState(
                    b.lastModifiedTime().toInstant(),
                    null,
                    b.fileKey(),
                    b.size(),
                    b.isRegularFile(),
                    b.isSymbolicLink(),
                    b.isDirectory());
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * A session file's bytes and the metadata of the very version they were read from.
     *
     * @param state the file's metadata
     * @param bytes the content, or {@code null} when it was not read (not a regular file, or larger
     *     than the limit)
     */
    public record Content(FileState state, byte[] bytes) {}

    /**
     * Reads the session file for {@code key}: {@code null} if there is none. Symbolic links are never
     * followed; a file that is not regular or is larger than {@code limit} bytes is not read.
     */
    public Content read(String key, int limit) throws IOException {
        Path file = path(key);
        for (int attempt = 0; ; attempt++) {
            FileState before = stat(file);
            if (before == null) {
                return null;
            }
            if (!before.regularFile() || before.size() > limit) {
                return new Content(before, null);
            }
            byte[] bytes;
            try {
                bytes = readAtMost(file, limit);
            } catch (NoSuchFileException e) {
                // Deleted or replaced between the metadata read and the open: look again.
                if (attempt < 3) {
                    continue;
                }
                return null;
            }
            if (bytes == null) {
                return new Content(before, null);
            }
            // Confirming the version needs no change time: the cheaper basic read is enough.
            FileState after = statBasic(file);
            if (after != null && after.sameVersionAs(before)) {
                return new Content(before, bytes);
            }
            if (attempt >= 3) {
                // Rewritten on every look (a very hot session): the bytes are complete either way.
                return new Content(before, bytes);
            }
        }
    }

    private byte[] readAtMost(Path file, int limit) throws IOException {
        contentReads.incrementAndGet();
        try (SeekableByteChannel ch =
                Files.newByteChannel(file, Set.<OpenOption>of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min((long) limit + 1, Math.max(ch.size() + 1, 256)));
            while (true) {
                if (!buf.hasRemaining()) {
                    if (buf.capacity() > limit) {
                        return null;
                    }
                    ByteBuffer bigger = ByteBuffer.allocate((int) Math.min((long) limit + 1, buf.capacity() * 2L));
                    buf.flip();
                    bigger.put(buf);
                    buf = bigger;
                }
                if (ch.read(buf) < 0) {
                    break;
                }
            }
            return Arrays.copyOf(buf.array(), buf.position());
        }
    }

    /** How many times a session file's content was opened for reading (for tests and metrics). */
    public long contentReads() {
        return contentReads.get();
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes a session file atomically and durably, with its modification time set to {@code
     * modified}: write a temporary file in the directory, set its time, force it to disk, move it into
     * place (a hard link for a create, so that claiming the name and filling it are one step; a rename
     * over the old version for an update), then force the directory.
     *
     * @throws CreateException when {@code create} and the name is taken
     * @throws UpdateException when not {@code create} and there is no file to replace
     * @throws IOException when the filesystem refuses (full, read-only, permissions); the previous
     *     version is then untouched and the temporary file removed
     */
    public void write(String key, byte[] content, Instant modified, boolean create) throws IOException {
        Path target = path(key);
        if (!create && !present(target)) {
            throw new UpdateException("The session file no longer exists (deleted or expired meanwhile)");
        }
        writeThenPlace(key, content, modified, temp -> {
            if (create) {
                placeNew(temp, target);
            } else {
                // Under the lock no delete can come between this check and the rename.
                if (!present(target)) {
                    throw new UpdateException("The session file no longer exists (deleted or expired meanwhile)");
                }
                pause.at(Pause.REPLACE);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        });
    }

    /**
     * Decides, under the file's lock, whether the version of a session file found there is still
     * the one a conditional save was made against.
     */
    @FunctionalInterface
    public interface Expectation {
        /**
         * @param found the file as it is now (its bytes {@code null} if it is not a regular file or is
         *     larger than the read limit)
         */
        boolean met(Content found);
    }

    /**
     * Replaces a session file like an update {@link #write}, but only if the file, read under its
     * lock, still meets {@code expected} (the caller's version check: same content, not expired).
     * The temporary file is written and forced before the lock is taken; under the lock the file is
     * read, judged and renamed over, so no Satchel writer or delete in any thread or process can come
     * between the check and the rename. Django's writers take no lock (see the class comment).
     *
     * @param limit the most bytes read to judge the current version
     * @throws UpdateException if there is no file, or it does not meet {@code expected}; nothing is
     *     written and the temporary file is removed
     * @throws IOException when the filesystem refuses; the current version is then untouched
     */
    public void replaceIf(String key, byte[] content, Instant modified, int limit, Expectation expected)
            throws IOException {
        Path target = path(key);
        if (!present(target)) {
            throw new UpdateException("The session file no longer exists (deleted or expired meanwhile)");
        }
        writeThenPlace(key, content, modified, temp -> {
            Content found = read(key, limit);
            if (found == null) {
                throw new UpdateException("The session file no longer exists (deleted or expired meanwhile)");
            }
            if (!expected.met(found)) {
                throw new UpdateException("The session file changed or expired since it was loaded");
            }
            pause.at(Pause.REPLACE);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        });
    }

    /** What a write does with its complete temporary file while holding the file's lock. */
    @FunctionalInterface
    private interface Placement {
        void place(Path temp) throws IOException;
    }

    /**
     * Writes {@code content} to a temporary file (modification time {@code modified}), forces it to
     * disk, then runs {@code placement} under the lock of {@code key}'s file name and forces the
     * directory. The temporary file is gone afterwards, whatever happened.
     */
    private void writeThenPlace(String key, byte[] content, Instant modified, Placement placement) throws IOException {
        Path target = path(key);
        guard.verify();
        Path temp = createTemp(key);
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                // The access time a second later: with relatime (Linux's default) a read updates the
                // access time of a file whose access time is not later than its modification time, so
                // a future modification time (the expiry) would make every load write the inode, and
                // the next fsync journal it.
                Files.getFileAttributeView(temp, BasicFileAttributeView.class)
                        .setTimes(FileTime.from(modified), FileTime.from(modified.plusSeconds(1)), null);
                ch.force(true);
            }
            pause.at(Pause.WRITTEN);
            try (KeyLocks.Held held = locks().lock(target.getFileName().toString())) {
                placement.place(temp);
            }
            syncDirectory();
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // Left for the sweeper, which removes abandoned temporary files.
            }
        }
    }

    private void placeNew(Path temp, Path target) throws IOException {
        try {
            // link(2) fails if the name exists: the name is claimed with its full content at once.
            Files.createLink(target, temp);
            return;
        } catch (FileAlreadyExistsException e) {
            throw new CreateException("The session key is already taken");
        } catch (UnsupportedOperationException | IOException noHardLinks) {
            // Some filesystems have no hard links: claim the name with an empty file, then replace it.
        }
        try {
            createFile(target);
        } catch (FileAlreadyExistsException e) {
            throw new CreateException("The session key is already taken");
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(target);
            throw e;
        }
    }

    private void createFile(Path file) throws IOException {
        if (posix) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_MODE));
        } else {
            Files.createFile(file);
        }
    }

    private Path createTemp(String key) throws IOException {
        try {
            return newTemp(key);
        } catch (NoSuchFileException e) {
            // The directory vanished (a temp cleaner, an operator): recreate it once, 0700.
            guard.prepare();
            return newTemp(key);
        }
    }

    private Path newTemp(String key) throws IOException {
        String name = prefix + key + TEMP_MARK;
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)}
                : new FileAttribute<?>[0];
        return Files.createTempFile(directory, name, "", attrs);
    }

    /** Whether an entry exists; an error other than "no such file" is reported, not taken as "no". */
    private static boolean present(Path file) throws IOException {
        try {
            Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** Forces the directory's entries to disk (after a sweep). */
    public void sync() {
        syncDirectory();
    }

    /** Forces the directory entry changes (renames, links, unlinks) to disk, where the OS allows it. */
    private void syncDirectory() {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory as a channel; some filesystems refuse fsync on one.
        }
    }

    // ---------------------------------------------------------------- deleting

    /** Deletes the session file for {@code key}; returns whether there was one. */
    public boolean delete(String key) throws IOException {
        Path file = path(key);
        boolean deleted;
        try (KeyLocks.Held held = locks().lock(file.getFileName().toString())) {
            deleted = Files.deleteIfExists(file);
        }
        if (deleted) {
            syncDirectory();
        }
        return deleted;
    }

    /**
     * Deletes the entry {@code fileName} only if it is still the version described by {@code seen}.
     * The entry is first renamed aside (atomically, so writers can no longer change it); if what was
     * renamed turns out to be a newer version written meanwhile, it is put back unless an even newer
     * one has taken its place. A freshly saved session is therefore never deleted by a sweep or by a
     * load that found the previous version expired. The whole step holds the file's lock, so a delete
     * cannot come between setting a newer version aside and putting it back (which would undo the
     * delete); Django's writers take no lock, and the check after the rename covers them.
     *
     * <p>The directory is not forced to disk here (a sweep forces it once at the end, see {@link
     * #sync()}): losing the deletion of an expired file in a power cut only means deleting it again.
     *
     * @return whether the expired version was deleted
     */
    public boolean deleteIfUnchanged(String fileName, FileState seen) throws IOException {
        if (keyOf(fileName) == null) {
            throw new IllegalArgumentException("Not a session file name");
        }
        try (KeyLocks.Held held = locks().lock(fileName)) {
            return deleteIfStill(fileName, seen);
        }
    }

    private boolean deleteIfStill(String fileName, FileState seen) throws IOException {
        Path file = directory.resolve(fileName);
        Path aside = directory.resolve(fileName + TOMB_MARK + Long.toUnsignedString(RANDOM.nextLong()));
        try {
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return false;
        } catch (AtomicMoveNotSupportedException e) {
            // No atomic rename here: fall back to comparing right before deleting.
            FileState now = stat(file);
            if (now != null && now.sameVersionAs(seen)) {
                Files.deleteIfExists(file);
                return true;
            }
            return false;
        }
        try {
            pause.at(Pause.SET_ASIDE);
            FileState moved = stat(aside);
            if (moved != null && moved.sameVersionAs(seen)) {
                Files.delete(aside);
                return true;
            }
            restore(aside, file);
            return false;
        } finally {
            Files.deleteIfExists(aside);
        }
    }

    private void restore(Path aside, Path file) throws IOException {
        try {
            Files.createLink(file, aside);
        } catch (FileAlreadyExistsException newer) {
            // An even newer version was written meanwhile; it supersedes the one set aside.
        } catch (UnsupportedOperationException | IOException noHardLinks) {
            if (!present(file)) {
                Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE);
            }
        }
    }

    /** Deletes a scratch file (temporary or set aside); a missing one is not an error. */
    public boolean deleteScratch(Path file) throws IOException {
        return Files.deleteIfExists(file);
    }

    // ---------------------------------------------------------------- listing

    /**
     * The directory entries whose names start with the cookie name, as one directory listing;
     * nothing is opened or read. The caller closes the stream.
     */
    public DirectoryStream<Path> entries() throws IOException {
        return Files.newDirectoryStream(
                directory, p -> p.getFileName().toString().startsWith(prefix));
    }
}
