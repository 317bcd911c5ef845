package dev.satchel.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.satchel.Session;
import dev.satchel.SessionSettings;
import dev.satchel.cache.CacheSettings;
import org.junit.jupiter.api.Test;

/**
 * engine-tck on cached_db with the cache in Django's pickle format: sessions read from the cache are
 * signed again and versioned by their content, so conflict-detecting saves still hold.
 */
class CachedDbPickleCompatibilityTest extends CachedDbEngineCompatibilityTest {
    @Override
    protected SessionSettings.Builder settings() {
        return super.settings().engineProperty(CacheSettings.VALUE_FORMAT, "django-pickle");
    }

    @Test
    void twoRequestsReadingOnePickledEntry_mergeInsteadOfLosingAnUpdate() {
        Session first = sessions().newSession();
        first.put("a", 1L);
        first.save();
        String key = first.getSessionKey();
        Session x = sessions().session(key);
        Session y = sessions().session(key);
        assertEquals(1L, x.get("a"));
        assertEquals(1L, y.get("a")); // both from the cache entry the save filled
        x.put("b", 2L);
        x.save();
        y.put("a", 3L);
        y.save(); // conflicts with x's save: the row's data is no longer what y read
        Session after = sessions().session(key);
        assertEquals(3L, after.get("a"), "y's update is saved");
        assertEquals(2L, after.get("b"), "x's update is not lost");
    }
}
