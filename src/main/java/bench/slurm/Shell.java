package bench.slurm;

import java.util.List;
import java.util.stream.Collectors;

/** Quoting for words written into generated bash scripts and shown in plans. */
public final class Shell {
    private Shell() {}

    /**
     * The word as bash must see it to pass it on verbatim: unchanged when it holds only
     * characters no shell treats specially, else in single quotes, each embedded single quote
     * written as {@code '\''}. Inside single quotes nothing is expanded: {@code $}, backticks,
     * backslashes, {@code ;} all stay literal. A word with control characters (newline, tab...)
     * is written in bash's {@code $'...'} form instead, so every generated statement stays on
     * its lines.
     */
    public static String quote(String word) {
        if (!word.isEmpty() && word.chars().allMatch(Shell::plain)) {
            return word;
        }
        if (word.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return ansiC(word);
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** Whether the quoted word holds {@code $} or a backtick inside single quotes (literal on purpose). */
    public static boolean literalDollarOrBacktick(String quoted) {
        return quoted.startsWith("'") && (quoted.indexOf('$') >= 0 || quoted.indexOf('`') >= 0);
    }

    private static String ansiC(String word) {
        StringBuilder sb = new StringBuilder("$'");
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\'' -> sb.append("\\'");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('\'').toString();
    }

    public static String join(List<String> words) {
        return words.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }

    private static boolean plain(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "_-./:=,@%+".indexOf(c) >= 0;
    }
}
