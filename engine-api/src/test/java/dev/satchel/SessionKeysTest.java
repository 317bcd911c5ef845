package dev.satchel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.satchel.testing.DjangoVectors;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SessionKeysTest {
    private static final JsonNode VECTORS = DjangoVectors.load("session_keys.json");

    @Test
    void generatedKeys_haveDjangosAlphabetAndLength() {
        JsonNode generation = VECTORS.get("generation");
        assertEquals(generation.get("alphabet").asText(), SessionKeys.ALPHABET);
        assertEquals(generation.get("length").asInt(), SessionKeys.LENGTH);
        Pattern shape = Pattern.compile("[" + SessionKeys.ALPHABET + "]{" + SessionKeys.LENGTH + "}");
        for (JsonNode sample : generation.get("sample_keys_random")) {
            assertTrue(shape.matcher(sample.asText()).matches(), "Django's own key " + sample);
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String key = SessionKeys.generate();
            assertTrue(shape.matcher(key).matches(), key);
            assertTrue(seen.add(key), "duplicate key");
        }
    }

    @Test
    void generatedKeys_useEveryCharacterAboutEqually() {
        Map<Character, Integer> counts = new HashMap<>();
        int draws = 3_000;
        for (int i = 0; i < draws; i++) {
            for (char c : SessionKeys.generate().toCharArray()) {
                counts.merge(c, 1, Integer::sum);
            }
        }
        assertEquals(36, counts.size());
        double expected = draws * 32.0 / 36;
        for (Map.Entry<Character, Integer> e : counts.entrySet()) {
            // 96 000 draws: each count is within 10% of the mean unless the generator is biased.
            assertTrue(Math.abs(e.getValue() - expected) < expected * 0.1, e.toString());
        }
    }

    @Test
    void validation_matchesDjangoForEveryCandidate() {
        int checked = 0;
        for (JsonNode c : VECTORS.get("candidates")) {
            String candidate =
                    c.get("candidate").isNull() ? null : c.get("candidate").asText();
            boolean valid = c.get("validate_session_key").asBoolean();
            assertEquals(valid, SessionKeys.isValid(candidate), String.valueOf(candidate));
            checked++;
        }
        assertEquals(VECTORS.get("candidates").size(), checked);
    }
}
