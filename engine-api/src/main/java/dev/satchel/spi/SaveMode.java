package dev.satchel.spi;

/** What a save may do to the store, mirroring Django's {@code save(must_create=...)}. */
public enum SaveMode {
    /** Insert a new record; if the key is taken, throw {@link dev.satchel.CreateException}. */
    CREATE,
    /** Replace an existing record; if it is gone, throw {@link dev.satchel.UpdateException}. */
    UPDATE
}
