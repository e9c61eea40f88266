package bench.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A lint of docker/*&#47;Dockerfile, since no Docker engine (nor hadolint) is at hand to build or check
 * them: the rules hadolint would apply that matter here (pinned base images and versions, pipefail,
 * apt and pip hygiene, exec-form entry points, a non-root client image), plus shellcheck on every RUN.
 */
class DockerfilesTest {
    private static final Pattern ARG = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?");
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    /** curl or wget as a command (not as a package name), with its first argument */
    private static final Pattern DOWNLOAD = Pattern.compile("(?:^|&&|\\|\\||;|\\|)\\s*(curl|wget)\\s+(\\S+)");

    @TempDir
    Path tmp;

    /** One instruction: its keyword, its arguments (continuation lines kept) and the line it starts on. */
    record Instruction(String keyword, String args, int line) {}

    static List<Instruction> parse(Path file) throws IOException {
        List<Instruction> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        StringBuilder current = null;
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (current == null && trimmed.isEmpty())) {
                continue; // comments, also inside continuations, are not part of the instruction
            }
            if (current == null) {
                current = new StringBuilder();
                start = i + 1;
            }
            current.append(line).append('\n');
            if (!line.endsWith("\\")) {
                String text = current.toString().strip();
                int space = text.indexOf(' ');
                out.add(new Instruction(text.substring(0, space).toUpperCase(), text.substring(space + 1), start));
                current = null;
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"docker/engine/Dockerfile", "docker/bench/Dockerfile"})
    void followsTheRulesHadolintWouldCheck(String name) throws IOException {
        List<Instruction> all = parse(Path.of(name));
        List<String> problems = new ArrayList<>();
        Map<String, String> args = new HashMap<>();
        boolean pipefail = false;
        boolean curl = false;
        boolean wget = false;
        for (Instruction in : all) {
            String where = name + ":" + in.line() + ": ";
            String a = in.args();
            switch (in.keyword()) {
                case "ARG" -> {
                    Matcher m = ARG.matcher(a);
                    assertTrue(m.matches(), where + a);
                    String value = m.group(2) == null ? "" : m.group(2).replaceAll("^\"|\"$", "");
                    args.put(m.group(1), value);
                    if (m.group(1).matches(".*_(VERSION|COMMIT|IMAGE)") && value.isEmpty()) {
                        problems.add(where + "ARG " + m.group(1) + " has no default: pin it");
                    }
                }
                case "FROM" -> {
                    String image = resolve(a.split("\\s+")[0], args);
                    if (!image.matches("[^:@]+[:@][^:]+") || image.endsWith(":latest")) {
                        problems.add(where + "FROM " + image + ": pin a tag (DL3006, DL3007)");
                    }
                }
                case "SHELL" -> pipefail = a.contains("\"-o\", \"pipefail\"");
                case "ADD" -> problems.add(where + "ADD: use COPY, or curl in a RUN (DL3020)");
                case "WORKDIR" -> {
                    if (!a.startsWith("/")) {
                        problems.add(where + "WORKDIR must be absolute (DL3000)");
                    }
                }
                case "CMD", "ENTRYPOINT" -> {
                    if (!a.startsWith("[")) {
                        problems.add(where + in.keyword() + " in JSON form (DL3025)");
                    }
                }
                case "RUN" -> {
                    runRules(a, pipefail, where, problems);
                    Matcher d = DOWNLOAD.matcher(a.replace("\\\n", " "));
                    while (d.find()) {
                        curl |= d.group(1).equals("curl");
                        wget |= d.group(1).equals("wget");
                        if (d.group(1).equals("curl") && !d.group(2).startsWith("-f")) {
                            problems.add(where + "curl without -f: an HTTP error would pass unnoticed");
                        }
                    }
                }
                default -> {
                }
            }
        }
        if (curl && wget) {
            problems.add(name + ": curl and wget both used (DL4001)");
        }
        assertEquals(List.of(), problems);
    }

    private static void runRules(String run, boolean pipefail, String where, List<String> problems) {
        String flat = run.replace("\\\n", " ");
        if (flat.matches("(?s).*[^|]\\|[^|].*") && !pipefail) {
            problems.add(where + "a pipe without SHELL [..., \"-o\", \"pipefail\", ...] before it (DL4006)");
        }
        if (flat.contains("apt-get install")) {
            if (!flat.contains("--no-install-recommends")) {
                problems.add(where + "apt-get install without --no-install-recommends (DL3015)");
            }
            if (!flat.matches("(?s).*apt-get install -y.*")) {
                problems.add(where + "apt-get install without -y (DL3014)");
            }
            if (!flat.contains("apt-get update")) {
                problems.add(where + "apt-get install without apt-get update in the same RUN (DL3009)");
            }
        }
        if (flat.contains("apt-get update") && !flat.matches("(?s).*rm -rf [^&;|]*/var/lib/apt/lists/\\*.*")) {
            problems.add(where + "apt lists not removed in the RUN that fetched them (DL3009)");
        }
        if (flat.matches("(?s).*apt-get (dist-)?upgrade.*") || flat.matches("(?s).*\\bsudo\\b.*")) {
            problems.add(where + "no apt-get upgrade, no sudo (DL3005, DL3004)");
        }
        for (String pip : flat.split("(?=\\bpip install\\b)")) {
            if (pip.startsWith("pip install") && !pip.split("&&")[0].contains("--no-cache-dir")) {
                problems.add(where + "pip install without --no-cache-dir (DL3042)");
            }
        }
        for (String clone : flat.split("(?=\\bgit clone\\b)")) {
            if (clone.startsWith("git clone") && !clone.split("&&")[0].contains("--branch")
                    && !flat.contains("git checkout --detach")) {
                problems.add(where + "git clone of an unpinned revision");
            }
        }
    }

    /** Every RUN of both Dockerfiles passes shellcheck as the bash script it is. */
    @ParameterizedTest
    @ValueSource(strings = {"docker/engine/Dockerfile", "docker/bench/Dockerfile"})
    void everyRunPassesShellcheck(String name) throws Exception {
        assumeTrue(LaunchScriptTest.onPath("shellcheck"), "shellcheck is not installed (.ci/run installs it)");
        List<String> findings = new ArrayList<>();
        for (Instruction in : parse(Path.of(name))) {
            if (!in.keyword().equals("RUN")) {
                continue;
            }
            Path script = tmp.resolve("run-" + in.line() + ".sh");
            // pipefail as SHELL sets it; variables come from ARG and ENV (SC2154 does not know them)
            Files.writeString(script, "#!/bin/bash\nset -o pipefail\n" + in.args() + "\n");
            Process p = new ProcessBuilder("shellcheck", "--format=gcc", "-e", "SC2154", script.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            if (p.exitValue() != 0) {
                findings.add(name + ":" + in.line() + " (RUN):\n" + out);
            }
        }
        assertEquals(List.of(), findings);
    }

    @Test
    void theEngineImagePinsTheArticlesStack() throws IOException {
        Map<String, String> args = new HashMap<>();
        for (Instruction in : parse(Path.of("docker/engine/Dockerfile"))) {
            Matcher m = ARG.matcher(in.args());
            if (in.keyword().equals("ARG") && m.matches()) {
                args.put(m.group(1), m.group(2) == null ? "" : m.group(2));
            }
        }
        assertEquals("nvidia/cuda:12.8.1-devel-ubuntu24.04", args.get("CUDA_IMAGE"));
        assertEquals("2.5.1", args.get("GDRCOPY_VERSION"));
        assertEquals("1.47.0", args.get("EFA_INSTALLER_VERSION"));
        assertEquals("1.20.0", args.get("UCX_VERSION"));
        assertEquals("0.10.1", args.get("NIXL_VERSION"));
        assertEquals("2.9.1", args.get("TORCH_VERSION"));
        assertEquals("2.8.1", args.get("FLASH_ATTN_VERSION"));
        assertEquals("0.15.1", args.get("VLLM_VERSION"));
        String text = Files.readString(Path.of("docker/engine/Dockerfile"));
        assertTrue(text.contains("--skip-kmod --skip-limit-conf --no-verify"), "EFA installer in a container");
        assertTrue(text.contains("--with-verbs --with-rdmacm --with-dm --with-efa"), "UCX transports");
        assertTrue(text.contains("-Dlibfabric_path=/opt/amazon/efa \"-Denable_plugins=UCX,LIBFABRIC\""), "NIXL LIBFABRIC");
        assertTrue(text.contains("etcd-server"), "nixl.sbatch runs etcd from the image");
    }

    /** The client image's build context is the repository, cut down by .dockerignore to what it copies. */
    @Test
    void theBenchImageCopiesOnlyWhatDockerignoreLetsIn() throws IOException {
        List<String> allowed = Files.readAllLines(Path.of(".dockerignore")).stream()
                .filter(l -> l.startsWith("!")).map(l -> l.substring(1)).sorted().toList();
        List<String> copied = new ArrayList<>();
        for (Instruction in : parse(Path.of("docker/bench/Dockerfile"))) {
            if (in.keyword().equals("COPY")) {
                copied.add(in.args().split("\\s+")[0]);
            }
        }
        assertEquals(allowed, copied.stream().sorted().toList());
        assertTrue(Files.readAllLines(Path.of(".dockerignore")).contains("*"), "everything else is left out");
        Instruction last = parse(Path.of("docker/bench/Dockerfile")).stream()
                .filter(i -> i.keyword().equals("USER")).reduce((x, y) -> y).orElseThrow();
        assertTrue(!last.args().startsWith("root") && !last.args().startsWith("0"), "runs as a user (DL3002)");
    }

    private static String resolve(String word, Map<String, String> args) {
        Matcher m = VAR.matcher(word);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(args.getOrDefault(m.group(1), "")));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
