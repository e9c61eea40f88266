package bench.load;

/**
 * How the client itself behaves, apart from the load.
 *
 * @param selfWarmup  warm the JIT first against an embedded mock on 127.0.0.1 (never the target)
 * @param insecureTls for https: accept any certificate and host name
 */
public record ClientOptions(boolean selfWarmup, boolean insecureTls) {
    public static final ClientOptions DEFAULT = new ClientOptions(true, false);
}
