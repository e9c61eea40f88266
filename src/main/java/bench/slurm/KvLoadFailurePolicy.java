package bench.slurm;

import java.util.Locale;

/** vLLM's {@code kv_load_failure_policy}: what a decode node does when a KV transfer fails. */
public enum KvLoadFailurePolicy {
    /** fail the request (vLLM's default) */
    FAIL,
    /** compute the missing blocks again on the decode node */
    RECOMPUTE;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
