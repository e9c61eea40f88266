package bench.experiment;

import bench.slurm.Plan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The local runtime: every node a {@code bench mock} process on 127.0.0.1 ({@link LocalLaunch}). */
public final class LocalLauncher implements Launcher {
    private final LocalEngineModel model;
    private final int nodes;

    public LocalLauncher(LocalEngineModel model, int nodes) {
        this.model = model;
        this.nodes = nodes;
    }

    @Override
    public Deployment launch(Plan plan, String label, Path logDir) throws InterruptedException {
        LocalLaunch launch = LocalLaunch.start(plan, model, logDir);
        return new Deployment() {
            @Override
            public String endpoint() {
                return launch.endpoint();
            }

            @Override
            public void close() {
                launch.close();
            }
        };
    }

    @Override
    public String describe(Plan plan, String label, Path logDir) {
        return LocalPlan.of(plan, model, logDir).text();
    }

    @Override
    public List<String> hosts() {
        List<String> h = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) {
            h.add("node" + i);
        }
        return h;
    }

    @Override
    public long jobId() {
        return 0;
    }
}
