package dev.satchel.file.internal;

import java.time.Instant;
import java.util.Objects;

/**
 * What one metadata read (an {@code lstat}) says about a directory entry: enough to decide expiry
 * without opening the file.
 *
 * @param modified the modification time: for a file Satchel wrote, the session's expiry instant
 * @param changed the inode change time, or {@code null} where the platform does not expose it
 * @param identity the file's identity (device and inode on POSIX), or {@code null} if unknown
 * @param size the size in bytes
 * @param regularFile whether it is a regular file (not a directory, link, pipe or device)
 * @param symbolicLink whether it is a symbolic link (never followed)
 * @param directory whether it is a directory
 */
public record FileState(
        Instant modified,
        Instant changed,
        Object identity,
        long size,
        boolean regularFile,
        boolean symbolicLink,
        boolean directory) {

    public FileState {
        Objects.requireNonNull(modified, "modified");
    }

    /**
     * Whether Satchel wrote this file: Satchel sets the modification time to the session's expiry,
     * which lies after the moment it was written, so the modification time is later than the inode
     * change time. Django never sets file times, so for its files (and for anything merely written
     * or renamed) the modification time is at or before the change time.
     */
    public boolean writtenBySatchel() {
        return changed != null && modified.isAfter(changed);
    }

    /** Whether {@code other} is very likely the same version of the file (same inode, same times). */
    public boolean sameVersionAs(FileState other) {
        if (identity != null && other.identity != null && !identity.equals(other.identity)) {
            return false;
        }
        return modified.equals(other.modified) && size == other.size;
    }
}
