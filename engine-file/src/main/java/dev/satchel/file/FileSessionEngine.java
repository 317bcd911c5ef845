package dev.satchel.file;

import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionException;
import dev.satchel.SessionSettings;
import dev.satchel.SessionStoreUnavailableException;
import dev.satchel.SessionTooLargeException;
import dev.satchel.UpdateException;
import dev.satchel.codec.DecodedSession;
import dev.satchel.codec.SessionCodec;
import dev.satchel.file.internal.DataExpiry;
import dev.satchel.file.internal.FileState;
import dev.satchel.file.internal.PrivateDirectory;
import dev.satchel.file.internal.SessionDirectory;
import dev.satchel.spi.ConditionalSave;
import dev.satchel.spi.EngineContext;
import dev.satchel.spi.ExpiredSessionSweeper;
import dev.satchel.spi.SaveMode;
import dev.satchel.spi.SessionEngine;
import dev.satchel.spi.SessionRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Django's {@code file} session engine, made atomic and durable: one file per session, named {@code
 * <cookie name><session key>} in {@value #PATH} (default: a private directory of this user's under
 * the system temporary directory, see below), holding
 * the session's signed encoding exactly as Django writes it (ASCII, no newline). Django reads the
 * files Satchel writes and Satchel reads Django's.
 *
 * <h2>Writes</h2>
 *
 * A save writes a temporary file ({@code <name>.tmp-<n>}, mode 0600) in the same directory, sets its
 * modification time, forces it to disk, moves it into place and forces the directory. A create claims
 * the name with a hard link (exclusive: a taken key is a {@link dev.satchel.CreateException}); an
 * update renames over the old version (a missing file is a {@link dev.satchel.UpdateException}). A
 * process killed at any moment leaves the old or the new version, never a torn file; a full or
 * read-only directory gives {@link SessionStoreUnavailableException} and leaves the old version as it
 * was. A missing directory is created with mode 0700. Plain saves follow Django's rule: the last
 * complete write wins.
 *
 * <h2>Conflicting saves</h2>
 *
 * The engine also saves {@linkplain #conditionalSave() conditionally}, which the session layer uses
 * to merge the changes of parallel requests instead of letting one drop the other's. A load returns
 * the file's content as the record's version (exact, and for the ASCII files both sides write the
 * data string itself, so free to keep; the modification time is not a version: it holds the expiry
 * and has coarse resolution). A conditional save writes and forces its temporary file, then, holding
 * the file's lock (below), reads the file and renames over it only if it still exists, is not
 * expired and holds exactly that content; otherwise it raises {@link dev.satchel.UpdateException}
 * and writes nothing. Between Satchel's threads and processes no change can come between the check
 * and the rename. The file format and names are Django's, unchanged.
 *
 * <h2>A delete is final</h2>
 *
 * An update must not bring back a session deleted while it was being written (a logout undone). Each
 * change to a session file therefore holds a lock on that file's name, shared by every thread and
 * every process using the directory: a byte-range lock ({@code fcntl}, via {@code FileChannel}) on
 * one lock file, {@code .satchel-lock} in the directory (see {@code KeyLocks}). Under it an update
 * checks that the file still exists and renames over it; a conditional save checks that it is still
 * the version loaded and renames over it; a delete unlinks; a create links; an expiry check sets
 * the old version aside, judges it and puts a newer one back. So a delete either comes before an
 * update (which then fails with {@link dev.satchel.UpdateException}) or after it (and removes what
 * it wrote), never in between. Filling and forcing the temporary file happen before the lock, which
 * is held only for a metadata read (a conditional save also reads the small file) and a rename;
 * loads take no lock. A lock waited for more than ten seconds (a peer process stopped while holding it) gives {@link
 * SessionStoreUnavailableException}. The kernel releases a killed process's locks. The lock file is
 * empty, never removed and never taken for a session: its name does not start with the cookie name,
 * so neither Satchel's sweep nor Django's {@code clearsessions} looks at it. Django processes
 * sharing the directory take no lock; between them and Satchel the old rule (last write wins)
 * holds.
 *
 * <h2>The directory must be private</h2>
 *
 * File names are session keys, bearer credentials: a user who can list the directory can log in as
 * anyone in it. The directory is therefore created with mode 0700, and the engine refuses to start
 * ({@link SessionConfigurationException} naming the directory, what is wrong and the fix) unless it
 * is owned by the user the process runs as and neither group nor others may read or write it
 * (traversal alone, {@code --x}, reveals no name and is allowed). Set {@value #ALLOW_SHARED_DIRECTORY}
 * {@code =true} to share a configured directory on purpose (for example with a Django process of
 * another user in the same group); owner and mode are then not checked.
 *
 * <p>Without {@value #PATH}, the directory is {@code satchel-sessions-<user name>} in {@code
 * java.io.tmpdir}: always writable (services often have no writable home), per user, and private.
 * It is created with {@code mkdir}, which never follows a link, and is refused, even with sharing
 * allowed, if it is a symbolic link, another user's, or open to others: someone may have created it
 * first to collect the keys (set {@value #PATH} to avoid that denial of service on shared machines).
 * The same check runs again whenever the directory turns out to have changed (one metadata read
 * per write), so a directory removed by a temp cleaner and replaced by another user's is never
 * written to. Temp cleaners go by file times; a session file's modification time is its expiry,
 * so live sessions are not aged out. Django's default, the shared temporary directory itself, is
 * never used.
 *
 * <h2>Expiry: the modification time</h2>
 *
 * By default ({@value #EXPIRY_SOURCE}{@code =mtime}) Satchel sets each file's modification time to the session's absolute expiry, so a directory listing
 * plus one metadata read per file tells which sessions are over. The access time is set one second
 * later still: under {@code relatime}, Linux's default, a read rewrites the access time of a file
 * whose access time is not later than its modification time, so a load would otherwise write the
 * inode and the next fsync journal it. The rule, applied by {@link #load}
 * and by {@link #sweeper() clearExpired} alike:
 *
 * <ol>
 *   <li>modification time in the future: the session is alive, and that time is its expiry;
 *   <li>otherwise, if the modification time is later than the inode change time, Satchel wrote the
 *       file (a time later than the write itself was set on purpose; Django never sets times) and the
 *       session has expired;
 *   <li>otherwise the file was written by Django, whose modification time is its write time. Its
 *       expiry follows from its data as the session layer computes it ({@code _session_expiry}, else
 *       the cookie age, counted from the signing time). {@link #load} decides by the data. The sweeper
 *       keeps such a file without opening it while its modification time plus the cookie age is in the
 *       future, and only after that opens it to decide, as Django's own {@code clearsessions} does
 *       for every file. It never deletes a session that is alive by its data.
 * </ol>
 *
 * <p>Django reading Satchel's files keeps them at least as long as Satchel does: Django takes the
 * modification time as the last write and the session's end as that time plus the cookie age (or the
 * ISO {@code _session_expiry}, identical on both sides). Satchel's modification time is the expiry
 * itself, which is never earlier than the last write, so Django's notion of the end is never earlier
 * than Satchel's. Django ignores an integer expiry server-side; Satchel honours it.
 *
 * <p>So Django, sharing the directory, accepts a session for up to a cookie age (14 days by default)
 * after Satchel expired it, and its {@code clearsessions} removes it that much later. Where that
 * matters, use the mode below.
 *
 * <h2>Sharing the directory with Django: {@value #EXPIRY_SOURCE}{@code =django}</h2>
 *
 * In this mode the modification time means what Django reads it as, the last write: each save sets
 * it to the engine clock's time of the write (Satchel and Django clocks are both the system clock in
 * production), and every session's expiry follows from its data, as Django's file engine computes
 * it: an ISO {@code _session_expiry} is that instant; none, or {@code 0}, is the cookie age after the
 * last write; a negative number has already passed. Loads, {@linkplain #conditionalSave()
 * conditional saves} and the sweep all use this rule, so Django's {@code load()} and {@code
 * clear_expired()} and Satchel's agree on which sessions are alive (tested against Django 3.2). A
 * file written before the switch (modification time = expiry) is judged as Django judges it: its
 * expiry plus a cookie age.
 *
 * <p>Deliberate differences: a positive integer {@code _session_expiry} ({@code set_expiry(600)})
 * expires that many seconds after the last write in Satchel; Django's file engine never expires it on
 * the server (its {@code clearsessions} keeps the file for ever), so Satchel's load or sweep deletes
 * the file and Django then no longer finds it either. Django counts whole seconds (a session with less
 * than a second left is over for Django). Django 3.2 cannot read an ISO {@code _session_expiry}
 * (what Satchel's {@code setExpiry(Instant)} and Django 4+'s {@code set_expiry(datetime)} store): its
 * {@code load()} and {@code clearsessions} raise {@code TypeError}, the latter for the whole
 * directory, so with Django 3.2 in the directory set integer expiries only.
 *
 * <p>The sweep must then open every session file: any of them may carry a custom expiry, earlier or
 * later than its modification time plus the cookie age. On 10 000 files (2 cores, local disk) it took
 * 0.25 to 0.34 s once the files were cached (0.48 s cold), against 0.14 to 0.18 s for the default
 * mode's metadata-only sweep and 0.43 to 0.54 s for Django 3.2's own {@code clear_expired} on the same
 * number of files. Run Satchel's sweep or Django's {@code clearsessions}; either removes what the other
 * would (except the integer expiries above, which only Satchel's removes).
 *
 * <p>Setting the directory up: run Satchel and Django as the same user. Django writes each session
 * file through {@code mkstemp}, mode 0600 whatever its umask, and Satchel writes 0600 too, so a
 * process of another user could read neither the other's sessions. The directory then stays private
 * (owner only, 0700), which is what the engine checks at start, and {@value #ALLOW_SHARED_DIRECTORY}
 * is not needed; Django never changes the directory's mode. The lock file {@code .satchel-lock} does
 * not start with the cookie name, so Django's {@code clearsessions} skips it; Django takes no lock, and
 * between Django's writes and Satchel's the last write wins.
 *
 * <p>Loading an expired file deletes it and creates nothing (Django creates a fresh empty file).
 * Deletion after an expiry check is conditional: the file is renamed aside and removed only if it is
 * still the version that was checked, so a save that lands at the same moment is never lost.
 *
 * <h2>Keys and paths</h2>
 *
 * Every key is checked before any filesystem call: 8 to 40 characters of {@code [a-z0-9]}, anything
 * else is a {@link dev.satchel.SuspiciousSessionException}. Symbolic links in the directory are never
 * followed, and entries that are not regular files are never read.
 *
 * <h2>Sharing the directory with other files</h2>
 *
 * Like Django, the engine treats every entry named cookie name plus a valid key as a session file.
 * Use a directory of its own.
 */
public final class FileSessionEngine implements SessionEngine {
    /** The name this engine is registered under. */
    public static final String NAME = "file";
    /** Django's name for its file engine, accepted as an alias. */
    public static final String DJANGO_NAME = "django.contrib.sessions.backends.file";
    /** The setting naming the session directory (Django's {@code SESSION_FILE_PATH}). */
    public static final String PATH = "satchel.file.path";
    /**
     * The setting that allows a configured directory other users may read or write, or that another
     * user owns ({@code true} or {@code false}, default {@code false}); see the class comment.
     */
    public static final String ALLOW_SHARED_DIRECTORY = "satchel.file.allow-shared-directory";
    /**
     * The setting saying what a session file's modification time means: {@code mtime} (the default)
     * for the session's expiry, {@code django} for its last write, as Django reads it, with the expiry
     * taken from the data (see "Sharing the directory with Django" in the class comment).
     */
    public static final String EXPIRY_SOURCE = "satchel.file.expiry-source";
    /** {@value #EXPIRY_SOURCE} value: the modification time is the session's expiry (the default). */
    public static final String EXPIRY_FROM_MTIME = "mtime";
    /** {@value #EXPIRY_SOURCE} value: the modification time is the last write, as Django reads it. */
    public static final String EXPIRY_AS_DJANGO = "django";
    /** The default directory's name in {@code java.io.tmpdir}, followed by the user name. */
    public static final String DEFAULT_DIRECTORY_PREFIX = "satchel-sessions-";
    /** How old a temporary or set-aside file must be before the sweeper removes it as abandoned. */
    public static final Duration ABANDONED_AFTER = Duration.ofMinutes(10);

    // Modification times outside this range are clamped (filesystems cannot hold every instant).
    private static final Instant EARLIEST = Instant.ofEpochSecond(1);
    private static final Instant LATEST = Instant.parse("2400-01-01T00:00:00Z");

    private static final Logger LOG = LoggerFactory.getLogger(FileSessionEngine.class);
    private static final Logger SECURITY_LOG = LoggerFactory.getLogger("dev.satchel.security.SuspiciousSession");

    private final SessionCodec codec;
    private final Clock clock;
    private final Duration cookieAge;
    private final SessionDirectory files;
    private final int sizeLimit;
    private final boolean djangoTimes;

    /**
     * An engine for the context's settings: the directory from {@value #PATH} (created 0700 if
     * missing; by default {@code satchel-sessions-<user>} in {@code java.io.tmpdir}), file names
     * prefixed with the cookie name.
     *
     * @throws SessionConfigurationException if the path is not a directory and cannot be created, or
     *     if other users could read or change it (see the class comment)
     */
    public FileSessionEngine(EngineContext context) {
        SessionSettings settings = context.settings();
        this.codec = context.codec();
        this.clock = context.clock();
        this.cookieAge = settings.cookieAge();
        this.djangoTimes = djangoTimes(settings);
        // The longest value the codec accepts, plus room for the signature and timestamp.
        this.sizeLimit = (int) Math.min(Integer.MAX_VALUE - 16, (settings.maxPayloadBytes() / 3 + 1) * 4L + 1024);
        PrivateDirectory guard = directoryOf(settings);
        Path directory = guard.path();
        try {
            guard.prepare();
        } catch (PrivateDirectory.NotPrivateException e) {
            throw notPrivate(settings, directory, e);
        } catch (IOException e) {
            throw new SessionConfigurationException(
                    PATH + ": cannot use " + directory + " as the session directory (" + e + "); name an existing"
                            + " directory, or one this process may create",
                    e);
        }
        this.files = new SessionDirectory(guard, settings.cookieName());
    }

    private static PrivateDirectory directoryOf(SessionSettings settings) {
        String configured = settings.engineProperty(PATH).orElse("").trim();
        boolean allowShared = allowShared(settings);
        if (configured.isEmpty()) {
            String user = System.getProperty("user.name", "").replaceAll("[^A-Za-z0-9._-]", "_");
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"))
                    .toAbsolutePath()
                    .normalize();
            // In a directory every user can write: no link followed, never shared.
            return new PrivateDirectory(tmp.resolve(DEFAULT_DIRECTORY_PREFIX + user), false, false);
        }
        Path directory;
        try {
            directory = Path.of(configured).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            throw new SessionConfigurationException(PATH + ": not a valid path: " + configured, e);
        }
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new SessionConfigurationException(PATH + ": " + directory + " exists and is not a directory");
        }
        return new PrivateDirectory(directory, true, allowShared);
    }

    private static boolean djangoTimes(SessionSettings settings) {
        String value =
                settings.engineProperty(EXPIRY_SOURCE).orElse(EXPIRY_FROM_MTIME).trim();
        if (value.equalsIgnoreCase(EXPIRY_AS_DJANGO)) {
            return true;
        }
        if (value.equalsIgnoreCase(EXPIRY_FROM_MTIME)) {
            return false;
        }
        throw new SessionConfigurationException(
                EXPIRY_SOURCE + ": expected " + EXPIRY_FROM_MTIME + " or " + EXPIRY_AS_DJANGO + ", not " + value);
    }

    private static boolean allowShared(SessionSettings settings) {
        String value =
                settings.engineProperty(ALLOW_SHARED_DIRECTORY).orElse("false").trim();
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new SessionConfigurationException(ALLOW_SHARED_DIRECTORY + ": expected true or false, not " + value);
    }

    private static SessionConfigurationException notPrivate(
            SessionSettings settings, Path directory, PrivateDirectory.NotPrivateException e) {
        String user = System.getProperty("user.name");
        if (settings.engineProperty(PATH).orElse("").isBlank()) {
            return new SessionConfigurationException(
                    "No " + PATH + " is set, and the default session directory cannot be trusted: " + e.getMessage()
                            + ". Session file names are the session keys, and another user may have created it to"
                            + " collect them. Remove it (the engine recreates it, mode 0700) or set " + PATH
                            + " to a private directory",
                    e);
        }
        return new SessionConfigurationException(
                PATH + ": refusing the session directory: " + e.getMessage() + ". Session file names are the"
                        + " session keys, so a user who can list the directory can log in as its users. Make it"
                        + " private (chown " + user + " " + directory + " && chmod 700 " + directory + "), or set "
                        + ALLOW_SHARED_DIRECTORY + "=true if other users are meant to share it",
                e);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SessionCodec codec() {
        return codec;
    }

    /** The directory holding the session files. */
    public Path directory() {
        return files.directory();
    }

    /** The file a session key is stored in (the key is validated first). */
    public Path fileOf(String key) {
        return files.path(key);
    }

    /** Closes the lock file (shared with other engines on the same directory in this JVM). */
    @Override
    public void close() {
        files.close();
    }

    /** How many times a session file's content has been read (a sweep reads none of Satchel's). */
    public long contentReads() {
        return files.contentReads();
    }

    /** Test seam: holds writes and conditional deletes at the named points (see {@link SessionDirectory.Pause}). */
    void pauseAt(SessionDirectory.Pause pause) {
        files.pauseAt(pause);
    }

    // ---------------------------------------------------------------- SessionEngine

    @Override
    public Optional<SessionRecord> load(String key) {
        SessionDirectory.requireValidKey(key);
        SessionDirectory.Content content;
        try {
            content = files.read(key, sizeLimit);
        } catch (IOException e) {
            throw unavailable("read", key, e);
        }
        if (content == null) {
            return Optional.empty();
        }
        FileState state = content.state();
        if (!state.regularFile()) {
            SECURITY_LOG.warn(
                    "Session file in {} is not a regular file (link, directory or device): ignored", directory());
            return Optional.empty();
        }
        Instant now = clock.instant();
        Instant expiry = expiryOf(content, now);
        if (expiry.isAfter(now)) {
            String data = text(content);
            return Optional.of(new SessionRecord(data, expiry, versionOf(content, data)));
        }
        try {
            files.deleteIfUnchanged(files.prefix() + key, state);
        } catch (IOException e) {
            LOG.warn(
                    "Could not delete an expired session file in {}: {}",
                    directory(),
                    redact(e, key).getMessage());
        }
        return Optional.empty();
    }

    private String text(SessionDirectory.Content content) {
        byte[] bytes = content.bytes();
        if (bytes == null) {
            // Larger than any session the codec accepts: not read; it loads as corrupt data.
            return "";
        }
        if (bytes.length == 0) {
            // Django reads an empty file as an empty session that keeps its key.
            return codec.encode(new LinkedHashMap<>());
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** When the version of a session file in {@code content} expires, by the rule in the class comment. */
    private Instant expiryOf(SessionDirectory.Content content, Instant now) {
        if (djangoTimes) {
            return dataExpiry(content, content.state().modified());
        }
        FileState state = content.state();
        if (state.modified().isAfter(now) || state.writtenBySatchel()) {
            return state.modified();
        }
        return dataExpiry(content, null);
    }

    /**
     * The version a {@linkplain #conditionalSave() conditional save} compares with: the file's exact
     * content, one character per byte (for the ASCII files Satchel and Django write, the data string
     * itself, so it costs nothing to keep). {@code null} for a file too large to read: it loads as
     * an empty session, saved over unconditionally.
     */
    private static String versionOf(SessionDirectory.Content content, String data) {
        byte[] bytes = content.bytes();
        if (bytes == null) {
            return null;
        }
        return sameContent(bytes, data) ? data : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Whether {@code bytes} are exactly {@code version}, read one character per byte. */
    private static boolean sameContent(byte[] bytes, String version) {
        if (bytes.length != version.length()) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            if ((bytes[i] & 0xff) != version.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The expiry of a session file from its data (see the class comment), counted from {@code
     * lastWrite}, or, when that is {@code null}, from the signing time inside the data (the file's
     * modification time if it carries none).
     */
    private Instant dataExpiry(SessionDirectory.Content content, Instant lastWrite) {
        Instant modified = content.state().modified();
        byte[] bytes = content.bytes();
        if (bytes == null || bytes.length == 0) {
            return modified.plus(cookieAge);
        }
        try {
            DecodedSession decoded = codec.decode(new String(bytes, StandardCharsets.UTF_8));
            Instant signedAt = decoded.signedAt();
            Instant from = lastWrite != null ? lastWrite : signedAt != null ? signedAt : modified;
            return DataExpiry.of(decoded.data(), from, cookieAge);
        } catch (SessionException | IllegalArgumentException e) {
            // Undecodable: Django's rule (last write plus the cookie age); it loads as an empty session.
            return modified.plus(cookieAge);
        }
    }

    @Override
    public String save(String key, SessionRecord record, SaveMode mode) {
        SessionDirectory.requireValidKey(key);
        byte[] bytes = contentOf(record);
        try {
            files.write(key, bytes, fileTimeOf(record), mode == SaveMode.CREATE);
        } catch (IOException e) {
            throw unavailable("save", key, e);
        }
        return key;
    }

    /**
     * Saves only over the very version a request loaded: the file must still exist, be unexpired and
     * hold exactly the content it held at load time (see "Conflicting saves" in the class comment).
     */
    @Override
    public Optional<ConditionalSave> conditionalSave() {
        return Optional.of(this::saveIfUnchanged);
    }

    private String saveIfUnchanged(String key, SessionRecord record, Object expectedVersion) {
        SessionDirectory.requireValidKey(key);
        if (!(expectedVersion instanceof String expected)) {
            throw new UpdateException("no version of this session was loaded from the file engine");
        }
        byte[] bytes = contentOf(record);
        try {
            files.replaceIf(key, bytes, fileTimeOf(record), sizeLimit, found -> unchanged(found, expected));
        } catch (IOException e) {
            throw unavailable("save", key, e);
        }
        return key;
    }

    /** Whether the file found is still the version loaded, and still alive. */
    private boolean unchanged(SessionDirectory.Content found, String version) {
        if (!found.state().regularFile() || found.bytes() == null || !sameContent(found.bytes(), version)) {
            return false;
        }
        Instant now = clock.instant();
        return expiryOf(found, now).isAfter(now);
    }

    /** The file content for a record: its data, refused if larger than a load reads back. */
    private byte[] contentOf(SessionRecord record) {
        byte[] bytes = record.data().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > sizeLimit) {
            throw new SessionTooLargeException("The encoded session is " + bytes.length
                    + " bytes, more than the file engine reads back (" + sizeLimit + "); store less data");
        }
        return bytes;
    }

    /**
     * The modification time for a record: its expiry, or with {@value #EXPIRY_SOURCE}{@code =django}
     * the time of this write; within what filesystems can hold.
     */
    private Instant fileTimeOf(SessionRecord record) {
        Instant expiry;
        if (djangoTimes) {
            expiry = clock.instant();
        } else {
            expiry = record.expiry() != null ? record.expiry() : clock.instant().plus(cookieAge);
        }
        if (expiry.isBefore(EARLIEST)) {
            return EARLIEST;
        }
        if (expiry.isAfter(LATEST)) {
            return LATEST;
        }
        return expiry;
    }

    @Override
    public boolean exists(String key) {
        SessionDirectory.requireValidKey(key);
        try {
            return files.stat(key) != null;
        } catch (IOException e) {
            throw unavailable("look up", key, e);
        }
    }

    @Override
    public void delete(String key) {
        SessionDirectory.requireValidKey(key);
        try {
            files.delete(key);
        } catch (IOException e) {
            throw unavailable("delete", key, e);
        }
    }

    @Override
    public Optional<ExpiredSessionSweeper> sweeper() {
        return Optional.of(this::clearExpired);
    }

    // ---------------------------------------------------------------- sweeping

    /**
     * Deletes expired session files and abandoned temporary files: one directory listing and one
     * metadata read per entry. Files Satchel wrote are never opened; a file Django wrote is opened
     * only once its modification time plus the cookie age has passed (see the class comment). With
     * {@value #EXPIRY_SOURCE}{@code =django} every session file is read and judged by its data.
     *
     * @return how many session files were deleted
     * @throws SessionStoreUnavailableException if the directory cannot be listed, or some expired
     *     files could not be deleted (the others are)
     */
    public long clearExpired() {
        Instant now = clock.instant();
        long removed = 0;
        long scratch = 0;
        long failures = 0;
        IOException firstFailure = null;
        try (DirectoryStream<Path> entries = files.entries()) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                try {
                    String key = files.keyOf(name);
                    if (key != null) {
                        if (sweepSession(name, key, entry, now)) {
                            removed++;
                        }
                    } else if (files.isScratchFile(name) && sweepScratch(entry, now)) {
                        scratch++;
                    }
                } catch (IOException e) {
                    failures++;
                    if (firstFailure == null) {
                        firstFailure = e;
                    }
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            IOException cause = e instanceof IOException io ? io : (IOException) e.getCause();
            throw new SessionStoreUnavailableException(
                    "The file engine could not list the session directory " + directory() + ": " + cause, cause);
        }
        LOG.debug(
                "clearExpired in {}: {} expired sessions and {} abandoned files removed",
                directory(),
                removed,
                scratch);
        if (failures > 0) {
            throw new SessionStoreUnavailableException(
                    "The file engine removed " + removed + " expired sessions from " + directory() + " but could not"
                            + " remove " + failures + " entries; check the directory's permissions and free space",
                    redact(firstFailure, null));
        }
        return removed;
    }

    private boolean sweepSession(String name, String key, Path entry, Instant now) throws IOException {
        FileState state = files.stat(entry);
        if (state == null || state.directory() || state.symbolicLink()) {
            return false;
        }
        if (djangoTimes) {
            return sweepByData(key, name, now);
        }
        if (state.modified().isAfter(now)) {
            return false;
        }
        if (state.writtenBySatchel()) {
            return files.deleteIfUnchanged(name, state);
        }
        if (state.modified().plus(cookieAge).isAfter(now) || !state.regularFile()) {
            // Written by Django and alive by Django's default rule: not opened.
            return false;
        }
        SessionDirectory.Content content = files.read(key, sizeLimit);
        if (content == null || !content.state().sameVersionAs(state)) {
            return false;
        }
        if (dataExpiry(content, null).isAfter(now)) {
            return false;
        }
        return files.deleteIfUnchanged(name, content.state());
    }

    /**
     * With {@value #EXPIRY_SOURCE}{@code =django}: any session file may carry a custom expiry
     * earlier or later than its modification time plus the cookie age, so each is read and judged by
     * its data, as Django's {@code clearsessions} does.
     */
    private boolean sweepByData(String key, String name, Instant now) throws IOException {
        SessionDirectory.Content content = files.read(key, sizeLimit);
        if (content == null || !content.state().regularFile()) {
            return false;
        }
        if (expiryOf(content, now).isAfter(now)) {
            return false;
        }
        return files.deleteIfUnchanged(name, content.state());
    }

    private boolean sweepScratch(Path entry, Instant now) throws IOException {
        FileState state = files.stat(entry);
        if (state == null || state.directory() || state.symbolicLink()) {
            return false;
        }
        Instant madeAt = state.changed() != null ? state.changed() : state.modified();
        if (madeAt.plus(ABANDONED_AFTER).isAfter(now)) {
            return false;
        }
        return files.deleteScratch(entry);
    }

    // ---------------------------------------------------------------- errors

    private SessionStoreUnavailableException unavailable(String action, String key, IOException e) {
        IOException cause = redact(e, key);
        return new SessionStoreUnavailableException(
                "The file engine could not " + action + " a session in " + directory() + " (" + cause.getMessage()
                        + "); check that the directory exists, is writable by this process and has free space",
                cause);
    }

    /**
     * The exception with the session key (a credential, part of every file name) hidden wherever a
     * session file name occurs, keeping its type name and stack trace.
     */
    private IOException redact(IOException e, String key) {
        String message = e.getClass().getName() + ": " + e.getMessage();
        if (key != null) {
            message = message.replace(key, "<session key>");
        }
        message = message.replaceAll(
                java.util.regex.Pattern.quote(files.prefix()) + "[a-z0-9]{8,40}",
                java.util.regex.Matcher.quoteReplacement(files.prefix()) + "<session key>");
        IOException redacted = new IOException(message);
        redacted.setStackTrace(e.getStackTrace());
        return redacted;
    }
}
