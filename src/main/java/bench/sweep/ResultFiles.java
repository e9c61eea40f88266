package bench.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a point's result lives, and whether it is done (reads the file; the verdict is {@link ResumeCheck}'s). */
public final class ResultFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ResultFiles() {}

    /** {@code LABEL_DIR/<sweep>/<point>[-runN].json}. */
    public static Path resultFile(Path labelDir, Point p) {
        return labelDir.resolve(p.sweep()).resolve(p.runName() + ".json");
    }

    public static ResumeCheck.Status status(Path labelDir, Point p, String label) {
        Path file = resultFile(labelDir, p);
        if (!Files.isRegularFile(file)) {
            return ResumeCheck.Status.missing();
        }
        try {
            return ResumeCheck.check(MAPPER.readTree(file.toFile()), null, label, p);
        } catch (IOException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst()
                    .orElse("");
            return ResumeCheck.check(null, m, label, p);
        }
    }
}
