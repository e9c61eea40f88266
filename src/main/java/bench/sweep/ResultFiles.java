package bench.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where a point's result lives, and whether it is done (reads the file; the verdict is {@link ResumeCheck}'s). */
public final class ResultFiles {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ResultFiles() {}

    /** {@code LABEL_DIR/<sweep>/<point>[-runN].json}. */
    public static Path resultFile(Path labelDir, Point p) {
        return labelDir.resolve(p.sweep()).resolve(p.runName() + ".json");
    }

    /**
     * @param plannedArgs the point's {@code bench run} arguments, compared with the ones its
     *                    result records (those bench sweep owns aside); null not to compare
     */
    public static ResumeCheck.Status status(Path labelDir, Point p, String label, List<String> plannedArgs,
            RunOptions options) {
        Path file = resultFile(labelDir, p);
        if (!Files.isRegularFile(file)) {
            return ResumeCheck.Status.missing();
        }
        try {
            JsonNode result = MAPPER.readTree(file.toFile());
            List<String> planned = plannedArgs == null ? null : RunArgs.significant(plannedArgs, options);
            List<String> had = null;
            JsonNode recorded = result.path("config").path("args");
            if (planned != null && recorded.isArray()) {
                List<String> args = new ArrayList<>();
                recorded.forEach(a -> args.add(a.asText()));
                had = RunArgs.significant(args, options);
            }
            return ResumeCheck.check(result, null, label, p, planned, had);
        } catch (IOException e) {
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst()
                    .orElse("");
            return ResumeCheck.check(null, m, label, p);
        }
    }
}
