package bench.dataset;

import bench.BenchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the {@code tokenizer.json} that {@code --tokenizer} names, as {@code vllm bench serve}
 * takes it: a file, a model directory, or a Hugging Face model id ({@code org/name}) already in
 * the local Hugging Face cache. Nothing is downloaded: a benchmark client talks to the server
 * under test and to nothing else.
 */
public final class TokenizerLocator {
    /** A Hugging Face repository id: {@code name} or {@code org/name}. */
    private static final Pattern HF_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");

    /** The file to load, and the name the result records as {@code tokenizer_id}. */
    public record Found(Path file, String id) {}

    private TokenizerLocator() {}

    /**
     * Resolves {@code spec}; {@code env} reads environment variables (HF_HUB_CACHE, HF_HOME,
     * XDG_CACHE_HOME, HOME) so tests choose the cache.
     */
    public static Found locate(String spec, UnaryOperator<String> env) {
        Path path = Path.of(spec);
        if (Files.exists(path)) {
            Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
            if (!Files.isRegularFile(file)) {
                throw new BenchException("no tokenizer.json at " + path
                        + " (give a tokenizer.json file, a model directory holding one, or a Hugging Face id)");
            }
            return new Found(file, tokenizerName(file));
        }
        if (!HF_ID.matcher(spec).matches()) {
            throw new BenchException("no tokenizer.json at " + spec + ": no such file or directory");
        }
        List<Path> caches = cacheDirs(env);
        for (Path cache : caches) {
            Path file = inCache(cache, spec);
            if (file != null) {
                return new Found(file, spec);
            }
        }
        String where = caches.isEmpty() ? "none: HF_HUB_CACHE, HF_HOME and HOME are unset"
                : String.join(", ", caches.stream().map(Path::toString).toList());
        throw new BenchException("tokenizer '" + spec + "' is not a file or directory, nor in the Hugging Face cache ("
                + where + "); bench does not download: fetch it first (e.g. huggingface-cli download " + spec
                + " tokenizer.json) or give a path");
    }

    /** Where the Hugging Face hub keeps models, in the order huggingface_hub reads its variables. */
    static List<Path> cacheDirs(UnaryOperator<String> env) {
        List<Path> dirs = new ArrayList<>();
        for (String var : List.of("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE")) {
            String v = env.apply(var);
            if (v != null && !v.isBlank()) {
                dirs.add(Path.of(v));
                return dirs;
            }
        }
        String home = env.apply("HF_HOME");
        if (home != null && !home.isBlank()) {
            dirs.add(Path.of(home, "hub"));
            return dirs;
        }
        String xdg = env.apply("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            dirs.add(Path.of(xdg, "huggingface", "hub"));
            return dirs;
        }
        String user = env.apply("HOME");
        if (user != null && !user.isBlank()) {
            dirs.add(Path.of(user, ".cache", "huggingface", "hub"));
        }
        return dirs;
    }

    /**
     * The tokenizer.json of {@code id} in one cache: the snapshot {@code refs/main} points at,
     * else the newest snapshot that has one; null when the cache has none.
     */
    static Path inCache(Path cache, String id) {
        Path repo = cache.resolve("models--" + id.replace("/", "--"));
        Path snapshots = repo.resolve("snapshots");
        if (!Files.isDirectory(snapshots)) {
            return null;
        }
        try {
            Path ref = repo.resolve("refs").resolve("main");
            if (Files.isRegularFile(ref)) {
                Path file = snapshots.resolve(Files.readString(ref).trim()).resolve("tokenizer.json");
                if (Files.isRegularFile(file)) {
                    return file;
                }
            }
            try (Stream<Path> dirs = Files.list(snapshots)) {
                return dirs.map(d -> d.resolve("tokenizer.json"))
                        .filter(Files::isRegularFile)
                        .max(Comparator.comparing(TokenizerLocator::modified))
                        .orElse(null);
            }
        } catch (IOException e) {
            throw new BenchException("cannot read the Hugging Face cache " + repo + ": " + e.getMessage(), e);
        }
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** A model directory is named by the directory, any other file by itself. */
    static String tokenizerName(Path file) {
        Path named = file.getFileName().toString().equals("tokenizer.json") && file.getParent() != null
                ? file.getParent() : file;
        return named.toString();
    }
}
