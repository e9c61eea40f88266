package bench.slurm;

import java.util.Locale;

/** How a rendered launch runs vLLM and vllm-router on a node. */
public enum LaunchRuntime {
    /** {@code docker run} on every node, from a registry image or a {@code docker save} tarball */
    DOCKER,
    /** enroot containers through Slurm's pyxis plugin ({@code srun --container-image}), as on HyperPod */
    PYXIS,
    /** the engines on the nodes' PATH */
    BARE;

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
