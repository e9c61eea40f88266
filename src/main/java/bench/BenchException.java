package bench;

/**
 * An error caused by the user's input or environment (bad flag value, unreachable server,
 * unreadable file). The CLI prints its message as one line, without a stack trace unless
 * {@code --verbose}.
 */
public class BenchException extends RuntimeException {
    private final int exitCode;

    public BenchException(String message) {
        this(message, 1, null);
    }

    public BenchException(String message, Throwable cause) {
        this(message, 1, cause);
    }

    public BenchException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
