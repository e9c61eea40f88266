package bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Golden-file assertions: compares text with {@code src/test/resources/golden/NAME}. Run the
 * tests with {@code -Dbench.golden.update=true} (make golden) to rewrite the files on purpose.
 */
public final class Golden {
    private static final Path DIR = Path.of("src", "test", "resources", "golden");

    private Golden() {}

    public static boolean updating() {
        return Boolean.getBoolean("bench.golden.update");
    }

    public static void assertMatches(String name, String actual) {
        Path file = DIR.resolve(name);
        try {
            if (updating()) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
                return;
            }
            if (!Files.exists(file)) {
                throw new AssertionError("golden file " + file + " is missing; run: make golden");
            }
            String expected = Files.readString(file, StandardCharsets.UTF_8);
            assertEquals(expected, actual, "output differs from golden file " + file
                    + " (if the change is intended: make golden)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
