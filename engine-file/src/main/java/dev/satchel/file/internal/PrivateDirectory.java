package dev.satchel.file.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps the session directory private: session file names are the session keys, bearer credentials,
 * so anyone who can list the directory can log in as its users. {@link #prepare()} creates the
 * directory with mode 0700 if it is missing and then insists that it is a directory (a symbolic link
 * only where links are followed), owned by the user this process runs as, and neither readable nor
 * writable by group or others (traversal alone, {@code --x}, reveals no name and is allowed).
 * Sharing can be allowed explicitly; then owner and mode are not checked.
 *
 * <p>{@link #verify()} repeats the check cheaply before each write: one metadata read compared with
 * the directory seen last, and the full check again only when it changed (removed by a temp cleaner,
 * replaced by someone else's directory or link).
 *
 * <p>Where the filesystem has no POSIX permissions (Windows) only existence is checked.
 */
public final class PrivateDirectory {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> REVEALING = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE);

    private final Path path;
    private final boolean followLinks;
    private final boolean allowShared;
    private final boolean posix;
    private volatile Object checkedIdentity;

    /**
     * @param path the directory
     * @param followLinks whether {@code path} may be a symbolic link to the directory (a configured
     *     path: the operator chose it); the default directory, in a directory every user can write,
     *     must not be a link another user could have planted
     * @param allowShared whether owner and mode go unchecked (the operator said others may share it)
     */
    public PrivateDirectory(Path path, boolean followLinks, boolean allowShared) {
        this.path = path;
        this.followLinks = followLinks;
        this.allowShared = allowShared;
        this.posix = path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** The directory. */
    public Path path() {
        return path;
    }

    /** Why a directory is refused; the message names the directory and what is wrong with it. */
    public static final class NotPrivateException extends IOException {
        private static final long serialVersionUID = 1L;

        NotPrivateException(String message) {
            super(message);
        }
    }

    /**
     * Creates the directory (mode 0700, and missing parents too where links are followed) unless it
     * exists, then checks it.
     *
     * @throws NotPrivateException if it is a link where none is allowed, someone else's, or open to
     *     group or others
     * @throws IOException if it cannot be created or is not a directory
     */
    public void prepare() throws IOException {
        if (!posix) {
            Files.createDirectories(path);
            checkedIdentity = identity();
            return;
        }
        create(path, followLinks);
        checkedIdentity = check();
    }

    /**
     * Checks again only if the directory is not the one checked last (one metadata read otherwise);
     * recreates it if it vanished.
     */
    public void verify() throws IOException {
        Object seen = checkedIdentity;
        if (seen != null && seen.equals(identity())) {
            return;
        }
        prepare();
    }

    private static void create(Path directory, boolean withParents) throws IOException {
        if (withParents) {
            Path parent = directory.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                create(parent, true);
            }
        }
        try {
            // mkdir(2) never follows a link in the last component: a planted link makes it fail.
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException exists) {
            return; // checked by the caller, never changed
        }
        // The creation mode was filtered by the umask: make it exactly 0700, on the directory itself.
        Files.getFileAttributeView(directory, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setPermissions(OWNER_ONLY);
    }

    private Object check() throws IOException {
        PosixFileAttributes link = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (link.isSymbolicLink() && !followLinks) {
            throw new NotPrivateException(path + " is a symbolic link (another user may have planted it)");
        }
        PosixFileAttributes a = link.isSymbolicLink() ? Files.readAttributes(path, PosixFileAttributes.class) : link;
        if (!a.isDirectory()) {
            throw new IOException(path + " exists and is not a directory");
        }
        if (!allowShared) {
            if (!isProcessUser(a)) {
                throw new NotPrivateException(path + " is owned by " + a.owner().getName() + ", not by "
                        + System.getProperty("user.name") + " (the user this process runs as)");
            }
            Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
            open.addAll(a.permissions());
            open.retainAll(REVEALING);
            if (!open.isEmpty()) {
                throw new NotPrivateException(
                        path + " has permissions " + PosixFilePermissions.toString(a.permissions())
                                + ": other users can list its session files or change them");
            }
        }
        return a.fileKey();
    }

    private boolean isProcessUser(PosixFileAttributes a) throws IOException {
        Path self = Path.of("/proc/self");
        if (Files.isDirectory(self)) {
            // The kernel's answer: /proc/self belongs to this process's user id.
            Object mine = Files.getAttribute(self, "unix:uid");
            Object theirs = Files.getAttribute(path, "unix:uid", linkOptions());
            return Objects.equals(mine, theirs);
        }
        return a.owner()
                .equals(path.getFileSystem()
                        .getUserPrincipalLookupService()
                        .lookupPrincipalByName(System.getProperty("user.name")));
    }

    private Object identity() throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, linkOptions())
                    .fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private LinkOption[] linkOptions() {
        return followLinks ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    }
}
