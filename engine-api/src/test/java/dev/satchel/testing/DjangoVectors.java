package dev.satchel.testing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Reads the values real Django produced ({@code shared/django-vectors}). The directory comes from the
 * system property {@value #PROPERTY} when it is set, so the same tests can check another set of
 * vectors in the same format; otherwise the copy bundled in this module's test resources is used.
 */
public final class DjangoVectors {
    /** System property naming a directory of vector files that replaces the bundled copy. */
    public static final String PROPERTY = "satchel.django-vectors";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private DjangoVectors() {}

    /** The parsed contents of one vector file, for example {@code signing.json}. */
    public static JsonNode load(String fileName) {
        try (InputStream in = open(fileName)) {
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Django vector file " + fileName, e);
        }
    }

    /** Opens one vector file as bytes (the caller closes it). */
    public static InputStream open(String fileName) throws IOException {
        String dir = System.getProperty(PROPERTY, "");
        if (!dir.isBlank()) {
            return Files.newInputStream(Path.of(dir).resolve(fileName));
        }
        InputStream in = DjangoVectors.class.getResourceAsStream("/django-vectors/" + fileName);
        if (in == null) {
            throw new IOException("no bundled Django vector file " + fileName);
        }
        return in;
    }

    /** Copies one vector file to {@code target} (for files a store must open by path, like SQLite). */
    public static Path copyTo(String fileName, Path target) {
        try (InputStream in = open(fileName)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy Django vector file " + fileName, e);
        }
    }

    /** Where the vectors come from, for messages. */
    public static String source() {
        String dir = System.getProperty(PROPERTY, "");
        return dir.isBlank() ? "bundled test resources" : dir;
    }
}
