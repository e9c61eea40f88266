package bench.sweep;

import bench.BenchException;
import java.util.List;
import java.util.Map;

/** Built-in sweep suites. */
public final class Suites {
    /** The article's experiment: a prefill-heavy and a decode-heavy sweep (9 points). */
    public static final String PREFILL_DECODE = "prefill-decode";

    private Suites() {}

    public static List<SweepDef> get(String name) {
        if (PREFILL_DECODE.equals(name)) {
            return List.of(
                    new SweepDef("prefill",
                            List.of(new AxisValues(Axis.INPUT_LEN, List.of("512", "1024", "2048", "4096"))),
                            Map.of(Axis.OUTPUT_LEN, "256"), List.of()),
                    new SweepDef("decode",
                            List.of(new AxisValues(Axis.OUTPUT_LEN, List.of("256", "512", "1024", "2048", "4096"))),
                            Map.of(Axis.INPUT_LEN, "512"), List.of()));
        }
        throw new BenchException("unknown --suite '" + name + "': " + PREFILL_DECODE);
    }
}
