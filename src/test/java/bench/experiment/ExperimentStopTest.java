package bench.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.slurm.Plan;
import bench.sweep.Point;
import bench.sweep.SweepDef;
import bench.sweep.SweepPlan;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** A sweep stopped by a signal stops the experiment, with the signal's exit status. */
class ExperimentStopTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {130, 143})
    void aSweepStoppedByASignalStopsTheExperimentWithItsStatus(int status) throws Exception {
        ExperimentSpec spec = ExperimentSpec.parse("""
                topologies:
                  - {label: first, route: 4}
                  - {label: second, route: 2}
                sweeps:
                  prefill: {sweep: {input-len: [16, 32]}}
                  decode: {sweep: {output-len: [16, 32]}}
                baseline: first
                """, "test", "stop");
        List<String> launched = new ArrayList<>();
        List<List<String>> sweeps = new ArrayList<>();
        List<Point> pending = SweepPlan.expand(List.of(SweepDef.fromFlags(List.of("input-len=16"), null, null)), 1);
        Launcher launcher = new Launcher() {
            @Override
            public Deployment launch(Plan plan, String label, Path logDir) {
                launched.add(label);
                return new Deployment() {
                    @Override
                    public String endpoint() {
                        return "http://127.0.0.1:1";
                    }

                    @Override
                    public void close() {}
                };
            }

            @Override
            public String describe(Plan plan, String label, Path logDir) {
                return label;
            }

            @Override
            public List<String> hosts() {
                return List.of("node1", "node2", "node3", "node4");
            }

            @Override
            public long jobId() {
                return 1;
            }
        };
        Experiment.Commands commands = new Experiment.Commands() {
            @Override
            public int sweep(List<String> args) {
                sweeps.add(args);
                return status;
            }

            @Override
            public int plot(List<String> args) {
                throw new AssertionError("no figures after an interrupted experiment");
            }

            @Override
            public String compare(List<String> args) {
                throw new AssertionError("no comparison after an interrupted experiment");
            }

            @Override
            public List<Point> pointsToRun(List<String> sweepArgs) {
                return pending;
            }
        };
        StringWriter out = new StringWriter();
        int code = new Experiment(spec, launcher, tmp, commands, new PrintWriter(out, true), Clock.systemUTC())
                .run(List.of());
        assertEquals(status, code, out.toString());
        assertEquals(List.of("first"), launched, "the second topology is not launched");
        assertEquals(1, sweeps.size(), "the decode sweep is not started: " + sweeps);
        assertTrue(out.toString().contains("interrupted"), out.toString());
    }
}
