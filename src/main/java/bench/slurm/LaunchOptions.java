package bench.slurm;

import bench.BenchException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to render a launch script.
 *
 * @param runtime         docker, pyxis or bare
 * @param image           docker: a registry image or a tarball ({@code .tar.gz}, {@code .tgz}, {@code .tar});
 *                        pyxis: anything {@code --container-image} takes; bare: null
 * @param containerMounts {@code SRC[:DST[:FLAGS]]} mounted into every container
 * @param readyTimeoutSec how long every engine and the router have to answer {@code /health}
 * @param env             NAME=VALUE settings fixed for every process (they win over defaults and the environment)
 * @param srunArgs        extra options of every engine and router {@code srun} step, e.g. {@code --gres=gpu:8}
 *                        or {@code --cpu-bind=none}, passed verbatim after the script's own
 */
public record LaunchOptions(LaunchRuntime runtime, String image, List<String> containerMounts, int readyTimeoutSec,
        List<EnvSetting> env, List<String> srunArgs) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Set by the script itself: overriding them would break it. */
    private static final Set<String> RESERVED = Set.of("BENCH_ENV_NAMES", "PATH", "HOME", "SLURM_JOB_ID");
    /** srun options the script sets on every step itself (long and short names). */
    private static final Set<String> SRUN_OWN = Set.of("--nodes", "-N", "--ntasks", "-n", "--nodelist", "-w",
            "--overlap", "--export", "--container-image", "--container-mounts", "--ntasks-per-node", "--jobid");

    /** One {@code --env NAME=VALUE}. */
    public record EnvSetting(String name, String value) {
        public EnvSetting {
            if (name == null || !NAME.matcher(name).matches() || value == null) {
                throw new BenchException("bad --env '" + name + "=" + value
                        + "': expected NAME=VALUE, NAME made of letters, digits and _");
            }
            if (RESERVED.contains(name)) {
                throw new BenchException("--env " + name + " cannot be overridden");
            }
        }

        public static EnvSetting parse(String text) {
            int eq = text.indexOf('=');
            if (eq <= 0) {
                throw new BenchException("bad --env '" + text + "': expected NAME=VALUE");
            }
            return new EnvSetting(text.substring(0, eq), text.substring(eq + 1));
        }
    }

    public LaunchOptions(LaunchRuntime runtime, String image, List<String> containerMounts, int readyTimeoutSec,
            List<EnvSetting> env) {
        this(runtime, image, containerMounts, readyTimeoutSec, env, List.of());
    }

    public LaunchOptions {
        if (runtime == null) {
            runtime = LaunchRuntime.BARE;
        }
        containerMounts = containerMounts == null ? List.of() : List.copyOf(containerMounts);
        env = env == null ? List.of() : List.copyOf(env);
        srunArgs = srunArgs == null ? List.of() : List.copyOf(srunArgs);
        if (image != null && image.isBlank()) {
            image = null;
        }
        if (runtime == LaunchRuntime.BARE && (image != null || !containerMounts.isEmpty())) {
            throw new BenchException("--image and --container-mount are for --runtime docker or pyxis");
        }
        if (runtime == LaunchRuntime.DOCKER && image == null) {
            throw new BenchException("--runtime docker needs --image: a registry image, or a .tar.gz made by"
                    + " docker save on a path every node sees");
        }
        if (runtime == LaunchRuntime.PYXIS && image == null) {
            throw new BenchException("--runtime pyxis needs --image: a squashfs file (e.g. /fsx/nixl.sqsh) or a"
                    + " registry image (e.g. nvcr.io#nvidia/pytorch:25.01-py3)");
        }
        for (String m : containerMounts) {
            if (m.isBlank() || m.contains(",") || m.startsWith(":") || m.chars().anyMatch(Character::isWhitespace)) {
                throw new BenchException("bad --container-mount '" + m + "': expected SRC[:DST[:FLAGS]] without"
                        + " commas or spaces");
            }
        }
        if (readyTimeoutSec < 1) {
            throw new BenchException("--ready-timeout must be >= 1 second");
        }
        for (String a : srunArgs) {
            checkSrunArg(a);
        }
        Set<String> names = new HashSet<>();
        for (EnvSetting e : env) {
            if (!names.add(e.name())) {
                throw new BenchException("--env " + e.name() + " is given twice");
            }
        }
    }

    private static void checkSrunArg(String arg) {
        if (arg.isEmpty() || arg.charAt(0) != '-' || arg.chars().anyMatch(Character::isWhitespace)) {
            throw new BenchException("bad --srun-arg '" + arg + "': expected one srun option such as --gres=gpu:8"
                    + " (no spaces; give each option its own --srun-arg)");
        }
        String name = arg.startsWith("--") ? arg.split("=", 2)[0] : arg.substring(0, Math.min(2, arg.length()));
        if (SRUN_OWN.contains(name)) {
            throw new BenchException("--srun-arg " + name + " is set by the launch script itself"
                    + " (one task on one node of the allocation per step)");
        }
    }

    /** Mounts as SRC:DST[:FLAGS] (a bare SRC mounts at the same path). */
    public List<String> mountSpecs() {
        List<String> specs = new ArrayList<>();
        for (String m : containerMounts) {
            specs.add(m.contains(":") ? m : m + ":" + m);
        }
        return specs;
    }

    /** A docker image to load from a file on the nodes: {@code .tar.gz}/{@code .tgz} (pigz) or {@code .tar}. */
    public boolean imageIsTarball() {
        return runtime == LaunchRuntime.DOCKER
                && (image.endsWith(".tar.gz") || image.endsWith(".tgz") || image.endsWith(".tar"));
    }

    public boolean hasEnv(String name) {
        return env.stream().anyMatch(e -> e.name().equals(name));
    }
}
