package bench.cli;

import bench.ExitStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Ctrl-C and SIGTERM handling for long-running commands: the handler runs instead of the JVM
 * shutting down, so a run can stop sending and still write what it measured. Uses
 * {@code sun.misc.Signal} (module jdk.unsupported); where that is missing the JVM's default
 * behaviour stays.
 */
final class Signals implements AutoCloseable {
    private final List<Object[]> previous = new ArrayList<>();

    /**
     * @param onSignal called with the exit status the signal stands for (130 for INT, 143 for
     *     TERM: {@link ExitStatus#ofSignal})
     */
    Signals(IntConsumer onSignal, boolean enabled) {
        if (!enabled) {
            return;
        }
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal sig = new sun.misc.Signal(name);
                sun.misc.SignalHandler old = sun.misc.Signal.handle(sig,
                        s -> onSignal.accept(ExitStatus.ofSignal(s.getNumber())));
                previous.add(new Object[] {sig, old});
            } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
                // signal not available here: keep the default
            }
        }
    }

    @Override
    public void close() {
        for (Object[] p : previous) {
            try {
                sun.misc.Signal.handle((sun.misc.Signal) p[0], (sun.misc.SignalHandler) p[1]);
            } catch (IllegalArgumentException e) {
                // ignore
            }
        }
    }
}
