package dev.satchel.file;

import dev.satchel.SessionSettings;

/**
 * The file engine passes the conformance kit with {@value FileSessionEngine#EXPIRY_SOURCE}{@code
 * =django} too: modification times are write times, every expiry comes from the data.
 */
class FileEngineDjangoTimesCompatibilityTest extends FileEngineCompatibilityTest {
    @Override
    protected SessionSettings.Builder settings() {
        return super.settings().engineProperty(FileSessionEngine.EXPIRY_SOURCE, FileSessionEngine.EXPIRY_AS_DJANGO);
    }
}
