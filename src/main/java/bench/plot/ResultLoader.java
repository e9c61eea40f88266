package bench.plot;

import bench.BenchException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads every result file ({@code *.json}) under the given directories: the I/O edge of
 * plotting and comparing; the parsing is {@link ResultParser}'s.
 */
public final class ResultLoader {
    /** Deepest directory level searched below each root. */
    static final int MAX_DEPTH = 12;
    /** At most this many files are read (a wrong root such as / should fail, not crawl). */
    static final int MAX_FILES = 100_000;

    private ResultLoader() {}

    /** Up to this many skipped files are named one line each; beyond, one line per reason. */
    static final int LISTED = 5;

    /** A file that looked like a result but was left out ({@code FILE:LINE} for bad JSON), and why. */
    public record Skipped(String file, String reason) {}

    /**
     * What was read.
     *
     * @param skipped   files that looked like results but were left out, with the reason
     * @param filesRead JSON files looked at, results or not
     */
    public record Loaded(List<RunRecord> records, List<Skipped> skipped, int filesRead) {
        public Loaded {
            records = List.copyOf(records);
            skipped = List.copyOf(skipped);
        }

        /**
         * What was left out: {@code skipped FILE: REASON}, one line per file; with more than
         * {@value #LISTED} files one line per reason, {@code skipped 12 files: interrupted run
         * (first: FILE)}.
         */
        public List<String> skippedLines() {
            if (skipped.size() <= LISTED) {
                return skipped.stream().map(k -> "skipped " + k.file() + ": " + k.reason()).toList();
            }
            Map<String, List<String>> byReason = new LinkedHashMap<>();
            for (Skipped k : skipped) {
                byReason.computeIfAbsent(k.reason(), r -> new ArrayList<>()).add(k.file());
            }
            List<String> lines = new ArrayList<>();
            byReason.forEach((reason, files) -> lines.add(files.size() == 1 ? "skipped " + files.get(0) + ": " + reason
                    : "skipped " + files.size() + " files: " + reason + " (first: " + files.get(0) + ")"));
            return lines;
        }
    }

    public static Loaded load(List<Path> roots) {
        if (roots.isEmpty()) {
            throw new BenchException("give at least one results directory");
        }
        ObjectMapper mapper = new ObjectMapper();
        List<RunRecord> records = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        int read = 0;
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                throw new BenchException("not a directory: " + root);
            }
            Path absRoot = root.toAbsolutePath().normalize();
            String rootName = absRoot.getFileName() == null ? "" : absRoot.getFileName().toString();
            List<Path> files;
            try (Stream<Path> s = Files.walk(absRoot, MAX_DEPTH)) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".json") && Files.isRegularFile(p))
                        .limit(MAX_FILES + 1L).sorted().toList();
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new BenchException("cannot read " + root + ": " + e.getMessage(), e);
            }
            for (Path f : files) {
                if (!seen.add(f)) {
                    continue;
                }
                if (seen.size() > MAX_FILES) {
                    throw new BenchException("more than " + MAX_FILES + " JSON files under " + roots);
                }
                Path rel = absRoot.relativize(f);
                List<String> dirs = new ArrayList<>();
                for (int i = 0; i < rel.getNameCount() - 1; i++) {
                    dirs.add(rel.getName(i).toString());
                }
                String display = root.resolve(rel).toString();
                read++;
                List<JsonNode> docs = new ArrayList<>();
                try {
                    documents(mapper, Files.readAllBytes(f), docs);
                } catch (JsonProcessingException e) {
                    // the documents before a broken one (a run killed while appending) are kept
                    JsonLocation at = e.getLocation();
                    String line = at == null || at.getLineNr() < 1 ? "" : ":" + at.getLineNr();
                    skipped.add(new Skipped(display + line, docs.isEmpty() ? "not valid JSON"
                            : "not valid JSON after its first " + docs.size() + " result(s), which are read"));
                    if (docs.isEmpty()) {
                        continue;
                    }
                } catch (IOException e) {
                    skipped.add(new Skipped(display, "cannot read it: " + (e instanceof AccessDeniedException
                            ? "permission denied" : e.getMessage())));
                    continue;
                }
                if (docs.isEmpty()) {
                    skipped.add(new Skipped(display, "not valid JSON (empty)"));
                    continue;
                }
                for (int d = 0; d < docs.size(); d++) {
                    // a file that bench run --append-result grew holds one result per document
                    String source = docs.size() == 1 ? display : display + "#" + (d + 1);
                    ResultParser.Parsed p = ResultParser.parse(docs.get(d), source, dirs, f.getFileName().toString(),
                            rootName);
                    if (p.record() != null) {
                        records.add(p.record());
                    } else if (!p.quiet()) {
                        skipped.add(new Skipped(source, p.skipReason()));
                    }
                }
            }
        }
        return new Loaded(records, skipped, read);
    }

    /**
     * Adds every JSON document in the file to {@code docs}, in order (one, or several after
     * --append-result); those before a broken one stay in {@code docs} when it throws.
     */
    static void documents(ObjectMapper mapper, byte[] content, List<JsonNode> docs) throws IOException {
        // a parser over root-level values (a MappingIterator would take a top-level array's items as documents)
        try (JsonParser parser = mapper.createParser(content)) {
            while (parser.nextToken() != null) {
                docs.add(mapper.readTree(parser));
            }
        }
    }
}
