package bench.sweep;

import bench.BenchException;
import java.util.regex.Pattern;

/** Names that become directory names: experiments, labels, sweeps. */
public final class Names {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,99}");

    private Names() {}

    /** Returns the name if it is a safe single path component, else throws a one-line error. */
    public static String check(String what, String name) {
        if (name == null || !SAFE.matcher(name).matches()) {
            throw new BenchException("bad " + what + " '" + name + "': use letters, digits, '.', '_', '+' or '-' "
                    + "(starting with a letter or digit, at most 100 characters)");
        }
        return name;
    }
}
