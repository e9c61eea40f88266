package bench.slurm;

/**
 * One word of a planned command line: literal text, or a node's routable address, which only
 * the node knows at run time (the rendered script resolves it; the plan shows the host name).
 */
public sealed interface Arg {
    /** How the plan shows the word. */
    String text();

    record Literal(String text) implements Arg {
        public Literal {
            if (text == null) {
                throw new IllegalArgumentException("null argument");
            }
        }
    }

    record NodeAddress(String host) implements Arg {
        @Override
        public String text() {
            return host;
        }
    }

    static Arg of(String text) {
        return new Literal(text);
    }
}
