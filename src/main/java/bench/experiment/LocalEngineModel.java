package bench.experiment;

import bench.BenchException;
import bench.slurm.Node;
import bench.slurm.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a "node" behaves in the local runtime: the {@code bench mock} engine model every node
 * runs (see the mock's README section for the formulas). The defaults scale the article's
 * hardware (8 GPUs per node, TP 8, DeepSeek-V2-Lite) down in time so a sweep takes seconds.
 *
 * @param prefillTps       prompt tokens per second per engine
 * @param stepMs           base decode step
 * @param perSeqUs         added to a step per running decode
 * @param maxNumSeqs       running batch limit per engine
 * @param maxBatchedTokens token budget of a step
 * @param dpLockstepUs     data-parallel engines of one vLLM step together (MoE), costing this per step; negative: independent
 * @param dpCommFactor     in lockstep, steps stretch by 1 + F x (engines - 1): cross-node MoE communication
 * @param kvBytesPerToken  KV cache bytes per prompt token moved from prefill to decode
 * @param kvGbps           KV transfer bandwidth
 * @param model            model name the engines serve
 */
public record LocalEngineModel(double prefillTps, double stepMs, double perSeqUs, int maxNumSeqs, int maxBatchedTokens,
        double dpLockstepUs, double dpCommFactor, long kvBytesPerToken, double kvGbps, String model) {

    public LocalEngineModel {
        if (!(prefillTps > 0) || !(stepMs >= 0) || !(perSeqUs >= 0) || maxNumSeqs < 1 || maxBatchedTokens < 1
                || !(dpCommFactor >= 0) || kvBytesPerToken < 0 || !(kvGbps > 0) || model == null || model.isBlank()) {
            throw new BenchException("bad local engine model: " + this);
        }
    }

    public static LocalEngineModel defaults() {
        // 1152 bytes of MLA latent KV per token and layer x 27 layers (the article's DeepSeek-V2-Lite figure)
        return new LocalEngineModel(40_000, 8, 60, 64, 2048, 1000, 0.3, 31_104, 100, "bench-mock");
    }

    /** The {@code bench mock} arguments (after {@code mock}) for an engine node of a plan. */
    public List<String> mockArgs(Node node) {
        List<String> a = new ArrayList<>(List.of(
                "--model", model,
                "--prefill-tps", num(prefillTps),
                "--itl-ms", num(stepMs),
                "--itl-per-seq-us", num(perSeqUs),
                "--max-num-seqs", Integer.toString(maxNumSeqs),
                "--max-num-batched-tokens", Integer.toString(maxBatchedTokens),
                "--kv-bytes-per-token", Long.toString(kvBytesPerToken),
                "--kv-gbps", num(kvGbps)));
        int engines = engines(node);
        if (engines > 1) {
            a.addAll(List.of("--data-parallel-size", Integer.toString(engines)));
            if (dpLockstepUs >= 0) {
                a.addAll(List.of("--dp-lockstep-us", num(dpLockstepUs), "--dp-comm-factor", num(dpCommFactor)));
            }
        }
        switch (node.role()) {
            case PREFILL -> a.addAll(List.of("--role", "prefill"));
            case DECODE -> a.addAll(List.of("--role", "decode"));
            default -> { }
        }
        return a;
    }

    /**
     * The data-parallel engines the node's mock simulates: a DP head every rank of its vLLM,
     * local and remote (headless nodes run no server), any other node its own.
     */
    public int engines(Node node) {
        return node.role() == Role.DP_HEAD ? node.dpSize() : node.dpSizeLocal();
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
