package bench.experiment;

import bench.slurm.Plan;
import java.nio.file.Path;

/** Brings a planned topology up (the local or the slurm runtime). */
public interface Launcher {
    /**
     * Starts the plan and waits until its endpoint serves.
     *
     * @param logDir where the engine and router logs are kept
     */
    Deployment launch(Plan plan, String label, Path logDir) throws InterruptedException;

    /**
     * What {@link #launch} would start for the plan, for people ({@code --dry-run}); starts
     * nothing.
     */
    String describe(Plan plan, String label, Path logDir);

    /** The hosts a plan is made for. */
    java.util.List<String> hosts();

    /** The Slurm job id the plan's ports derive from. */
    long jobId();
}
