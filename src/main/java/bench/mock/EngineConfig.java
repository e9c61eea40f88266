package bench.mock;

import bench.BenchException;

/**
 * The mock engine's model of an LLM engine with continuous batching (vLLM-like), used when
 * {@code --prefill-tps} is given. Each engine step lasts
 * <pre>  step = itl + itlPerSeq x decodes + prefillTokens / prefillTps</pre>
 * where {@code decodes} is the running batch of requests past their prefill and
 * {@code prefillTokens} the prompt tokens prefilled in that step (chunked, at most
 * {@code maxBatchedTokens - decodes} per step). At the end of a step every decoding request
 * emits one token, and a request whose prefill completed in the step emits its first. So a
 * request's TTFT grows with its prompt and with the prefill work queued before it, ITL grows
 * with the batch, and prefill work in a step delays the decodes of that step (the
 * interference that prefill/decode disaggregation removes). At most {@code maxNumSeqs}
 * requests run; the others wait in FIFO order.
 *
 * @param prefillTps       prompt tokens per second of prefill compute
 * @param maxNumSeqs       running batch limit
 * @param itlNanos         base duration of a step
 * @param itlPerSeqNanos   added per running decode
 * @param maxBatchedTokens token budget of a step (decodes count one each)
 * @param dataParallelSize engines behind the server (vLLM's --data-parallel-size)
 * @param lockstepSyncNanos with several engines: -1 for independent engines, else they step
 *                         together (MoE-style) and this is added to every step
 */
public record EngineConfig(double prefillTps, int maxNumSeqs, long itlNanos, long itlPerSeqNanos,
        int maxBatchedTokens, int dataParallelSize, long lockstepSyncNanos) {

    /** One engine. */
    public EngineConfig(double prefillTps, int maxNumSeqs, long itlNanos, long itlPerSeqNanos, int maxBatchedTokens) {
        this(prefillTps, maxNumSeqs, itlNanos, itlPerSeqNanos, maxBatchedTokens, 1, -1);
    }

    public EngineConfig {
        if (!(prefillTps > 0) || Double.isInfinite(prefillTps)) {
            throw new BenchException("--prefill-tps must be > 0");
        }
        if (maxNumSeqs < 1) {
            throw new BenchException("--max-num-seqs must be >= 1");
        }
        if (itlNanos < 0 || itlPerSeqNanos < 0) {
            throw new BenchException("--itl-ms and --itl-per-seq-us must be >= 0");
        }
        if (maxBatchedTokens < 1) {
            throw new BenchException("--max-num-batched-tokens must be >= 1");
        }
        if (dataParallelSize < 1) {
            throw new BenchException("--data-parallel-size must be >= 1");
        }
    }

    /** Time to prefill {@code tokens} prompt tokens alone. */
    public long prefillNanos(long tokens) {
        return Math.round(tokens * 1e9 / prefillTps);
    }
}
