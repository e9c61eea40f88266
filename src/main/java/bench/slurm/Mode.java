package bench.slurm;

/** Serving mode of a plan: data-parallel groups, or prefill/decode disaggregation. */
public enum Mode {
    DP("dp"), PD("pd");

    private final String jsonName;

    Mode(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }
}
