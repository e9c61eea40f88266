package bench.sweep;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Quotes arguments for display as a POSIX shell command line. */
public final class Shell {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private Shell() {}

    public static String quote(String arg) {
        if (!arg.isEmpty() && PLAIN.matcher(arg).matches()) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    public static String join(List<String> args) {
        return args.stream().map(Shell::quote).collect(Collectors.joining(" "));
    }
}
