package dev.satchel;

import java.util.Locale;

/**
 * What a save does when another request changed the same session since this one loaded it
 * ({@code satchel.conflicts}). Only engines that can save conditionally detect conflicts; the others
 * always behave as {@link #OVERWRITE}.
 */
public enum ConflictPolicy {
    /**
     * Reload the current record, re-apply this request's changes key by key and save again: keys this
     * request did not touch keep the other request's values; a key both changed takes this request's
     * value. The default.
     */
    MERGE,
    /** Raise {@link SessionConflictException} and store nothing, for applications that decide themselves. */
    FAIL,
    /** Replace the whole record, as Django and every other session library do (the last writer wins). */
    OVERWRITE;

    /** The policy named {@code merge}, {@code fail} or {@code overwrite} (any case). */
    public static ConflictPolicy fromName(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SessionConfigurationException(
                    SessionSettings.CONFLICTS + " must be merge, fail or overwrite, not \"" + name + "\"");
        }
    }
}
