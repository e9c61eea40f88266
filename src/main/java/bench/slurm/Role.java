package bench.slurm;

/** What a node runs in a plan. */
public enum Role {
    /** the data-parallel group's HTTP front end, also running its own DP ranks */
    DP_HEAD("dp-head"),
    /** a headless vLLM running further DP ranks of the group; no HTTP */
    DP_WORKER("dp-worker"),
    /** prefill-only vLLM (kv_producer) */
    PREFILL("prefill"),
    /** decode-only vLLM (kv_consumer) */
    DECODE("decode");

    private final String jsonName;

    Role(String jsonName) {
        this.jsonName = jsonName;
    }

    /** As in JSON, log file names and the text table. */
    public String jsonName() {
        return jsonName;
    }
}
