package bench.cli;

import picocli.CommandLine.Option;

/** {@code --verbose}, shared by every subcommand: stack traces on errors. */
final class VerboseOption {
    @Option(names = "--verbose", description = "Print stack traces on errors.")
    boolean verbose;
}
