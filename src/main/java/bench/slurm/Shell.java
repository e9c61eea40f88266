package bench.slurm;

import java.util.List;
import java.util.stream.Collectors;

/** POSIX shell quoting for words written into generated scripts and shown in plans. */
public final class Shell {
    private Shell() {}

    /**
     * The word as the shell must see it to pass it on verbatim: unchanged when it holds only
     * characters no shell treats specially, else in single quotes, each embedded single quote
     * written as {@code '\''}. Inside single quotes nothing is expanded: {@code $}, backticks,
     * backslashes, {@code ;}, newlines all stay literal.
     */
    public static String quote(String word) {
        if (!word.isEmpty() && word.chars().allMatch(Shell::plain)) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    public static String join(List<String> words) {
        return words.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }

    private static boolean plain(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "_-./:=,@%+".indexOf(c) >= 0;
    }
}
