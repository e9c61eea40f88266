package bench.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Ctrl-C and SIGTERM handling for long-running commands: the handler runs instead of the JVM
 * shutting down, so a run can stop sending and still write what it measured. Uses
 * {@code sun.misc.Signal} (module jdk.unsupported); where that is missing the JVM's default
 * behaviour stays.
 */
final class Signals implements AutoCloseable {
    private final List<Object[]> previous = new ArrayList<>();

    Signals(Runnable onSignal, boolean enabled) {
        if (!enabled) {
            return;
        }
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal sig = new sun.misc.Signal(name);
                sun.misc.SignalHandler old = sun.misc.Signal.handle(sig, s -> onSignal.run());
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
