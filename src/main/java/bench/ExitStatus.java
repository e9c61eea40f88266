package bench;

/**
 * Exit statuses of a process stopped by a signal, as a shell reports them: 128 plus the signal's
 * number (130 for SIGINT, Ctrl-C; 143 for SIGTERM, e.g. scancel or a job's time limit).
 */
public final class ExitStatus {
    /** Stopped by SIGINT (Ctrl-C), or interrupted where no signal is known. */
    public static final int INTERRUPTED = 130;
    /** Stopped by SIGTERM. */
    public static final int TERMINATED = 143;

    private static final int SIGNAL_BASE = 128;
    /** Signal numbers are below 64 on Linux (real-time signals included). */
    private static final int MAX_SIGNAL = 64;

    private ExitStatus() {}

    /** The exit status that says the process was stopped by signal {@code number}. */
    public static int ofSignal(int number) {
        if (number < 1 || number > MAX_SIGNAL) {
            throw new IllegalArgumentException("not a signal number: " + number);
        }
        return SIGNAL_BASE + number;
    }

    /** Whether {@code status} says the process was stopped by a signal. */
    public static boolean bySignal(int status) {
        return status > SIGNAL_BASE && status <= SIGNAL_BASE + MAX_SIGNAL;
    }
}
