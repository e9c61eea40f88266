package bench.load;

/** Receives the run's progress a few times per second, from a separate thread. */
public interface Progress {
    /** A message about a phase (ready check, warm-up, main run). */
    void phase(String message);

    void update(long done, long failed, long total, long tokens, double elapsedSeconds);

    /** The main run is over (success or not); the last {@link #update} before it holds the final counts. */
    void end();

    Progress NONE = new Progress() {
        @Override
        public void phase(String message) {}

        @Override
        public void update(long done, long failed, long total, long tokens, double elapsedSeconds) {}

        @Override
        public void end() {}
    };
}
