package dev.satchel.spi;

/**
 * The optional ability to save only if the record is unchanged since it was loaded, so that two
 * concurrent requests cannot silently overwrite each other. An engine offers it through {@link
 * SessionEngine#conditionalSave()}.
 */
@FunctionalInterface
public interface ConditionalSave {

    /**
     * Replaces the record under {@code key} only if its version is still {@code expectedVersion}.
     *
     * @return the key the session is now stored under
     * @throws dev.satchel.UpdateException if the record changed or vanished since it was loaded
     */
    String saveIfUnchanged(String key, SessionRecord record, Object expectedVersion);
}
