package dev.satchel.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.satchel.SessionConfigurationException;
import dev.satchel.SessionSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnginePropertiesTest {
    private static EngineProperties props(Map<String, String> map) {
        SessionSettings.Builder b = SessionSettings.builder().secretKey("k");
        map.forEach(b::engineProperty);
        return EngineProperties.of(b.build(), "satchel.x.");
    }

    @Test
    void readsTypedValuesWithDefaults() {
        EngineProperties p = props(Map.of(
                "satchel.x.url", "redis://h",
                "satchel.x.flag", "yes",
                "satchel.x.size", "42",
                "satchel.x.timeout", "PT3S",
                "satchel.x.mode", "EMPTY",
                "satchel.x.pool.maximumPoolSize", "4"));
        assertEquals("redis://h", p.string("url", "d"));
        assertEquals("d", p.string("missing", "d"));
        assertTrue(p.bool("flag", false));
        assertEquals(42, p.number("size", 1, 1, 100));
        assertEquals(Duration.ofSeconds(3), p.duration("timeout", Duration.ofSeconds(2)));
        assertEquals("empty", p.choice("mode", "fail", List.of("fail", "empty")));
        assertEquals(Map.of("maximumPoolSize", "4"), p.section("pool"));
        p.rejectUnknown(List.of("url", "flag", "size", "timeout", "mode"), List.of("pool"));
        p.validate();
    }

    @Test
    void reportsEveryProblemAtOnce() {
        EngineProperties p = props(Map.of(
                "satchel.x.flag", "maybe",
                "satchel.x.size", "1000",
                "satchel.x.timeout", "-5",
                "satchel.x.mode", "sometimes",
                "satchel.x.tpyo", "1"));
        assertFalse(p.bool("flag", false));
        assertEquals(1, p.number("size", 1, 1, 100));
        assertEquals(Duration.ofSeconds(2), p.duration("timeout", Duration.ofSeconds(2)));
        p.choice("mode", "fail", List.of("fail", "empty"));
        p.rejectUnknown(List.of("flag", "size", "timeout", "mode"), List.of());
        SessionConfigurationException e = assertThrows(SessionConfigurationException.class, p::validate);
        for (String key :
                List.of("satchel.x.flag", "satchel.x.size", "satchel.x.timeout", "satchel.x.mode", "satchel.x.tpyo")) {
            assertTrue(e.getMessage().contains(key), key + " in " + e.getMessage());
        }
        assertTrue(e.getMessage().contains("5 problems"), e.getMessage());
    }
}
