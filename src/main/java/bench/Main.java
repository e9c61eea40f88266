package bench;

import bench.cli.Cli;

/** Entry point: the only place that calls {@code System.exit}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        int code = Cli.execute(args);
        System.exit(code);
    }
}
