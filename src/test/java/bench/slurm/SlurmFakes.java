package bench.slurm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Stand-ins for Slurm's commands, shared by the tests that run the Slurm scripts for real on this
 * machine: an {@code srun} that runs the command here as the node named by {@code --nodelist}
 * (once per node, with {@code SLURMD_NODENAME} and {@code FAKE_NODE} set), a {@code scontrol} that
 * expands {@code name[a-b]} host lists, an {@code ip} that knows only the loopback interface, and
 * the JVM command line that runs {@link FakeEngine}. Every fake records into
 * {@code $FAKE_RECORD_DIR}; nothing listens anywhere but 127.0.0.1.
 */
final class SlurmFakes {
    private static final Path CLASSES = Path.of("target", "test-classes").toAbsolutePath();

    static final String SRUN = """
            # srun stand-in: the command runs here, once per node of --nodelist, as that node
            nodelist="" opts=()
            while [ $# -gt 0 ]; do
              case $1 in
                --nodelist=*) nodelist=${1#--nodelist=} ;;
                --*) ;;
                *) break ;;
              esac
              opts+=("$1")
              shift
            done
            # one line per srun: its options and the first two words of the command
            printf '%s | %s %s\\n' "${opts[*]}" "$1" "${2:-}" >>"$FAKE_RECORD_DIR/srun.log"
            IFS=, read -r -a nodes <<<"$nodelist"
            if [ "${#nodes[@]}" -eq 1 ]; then
              SLURMD_NODENAME=${nodes[0]} FAKE_NODE=${nodes[0]} exec "$@"
            fi
            for n in "${nodes[@]}"; do
              SLURMD_NODENAME=$n FAKE_NODE=$n "$@" || exit
            done
            """;

    static final String SCONTROL = """
            # scontrol stand-in: show hostnames of name[a-b] or a,b,c
            [ "$1 $2" = "show hostnames" ] || exit 2
            if [[ $3 =~ ^([a-z]+)\\[([0-9]+)-([0-9]+)\\]$ ]]; then
              for ((i = BASH_REMATCH[2]; i <= BASH_REMATCH[3]; i++)); do echo "${BASH_REMATCH[1]}$i"; done
            else
              tr , '\\n' <<<"$3"
            fi
            """;

    static final String IP = "echo '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever'\n";

    private SlurmFakes() {}

    /** The words that start {@link FakeEngine} as TOOL, for a fake's script body. */
    static String fakeEngine(String tool) {
        String java = Shell.quote(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return "exec " + java + " -Xmx32m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "
                + Shell.quote(CLASSES.toString()) + " bench.slurm.FakeEngine " + tool + " \"$@\"\n";
    }

    static void executable(Path bin, String name, String body) throws IOException {
        Path f = bin.resolve(name);
        Files.writeString(f, "#!/usr/bin/env bash\n" + body);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A base port whose block of 20 is free on 127.0.0.1 now. */
    static int freeBlock() throws IOException {
        return freeBlock(Ports.BLOCK_SIZE);
    }

    /**
     * A first port of SIZE ports in a row that are free on 127.0.0.1 now, below the kernel's
     * ephemeral range where it can: the test binds them seconds later, and meanwhile any
     * outgoing connection or port-0 listener on the machine (the test's own health checks
     * among them) may be given an ephemeral port, which once took a port of the block.
     */
    static int freeBlock(int size) throws IOException {
        int ephemeralLow = ephemeralRangeLow();
        int low = 10_000;
        int high = ephemeralLow - size;
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 50; attempt++) {
            int candidate;
            if (high > low) {
                candidate = random.nextInt(low, high);
            } else {
                // no room below the ephemeral range: a port the kernel hands out now
                try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    candidate = s.getLocalPort();
                }
            }
            if (candidate > 65_535 - size) {
                continue;
            }
            if (allFree(candidate, size)) {
                return candidate;
            }
        }
        throw new IOException("no free block of ports on 127.0.0.1");
    }

    private static boolean allFree(int first, int size) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int p = first; p < first + size; p++) {
                held.add(new ServerSocket(p, 1, InetAddress.getLoopbackAddress()));
            }
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a probe
                }
            }
        }
    }

    /** The first port of the kernel's ephemeral range (Linux's default, 32768, when it cannot be read). */
    private static int ephemeralRangeLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).strip();
            return Integer.parseInt(range.split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    /** Ends the fakes a failed test left behind, by the pids they recorded ({@code *.pid} in dir). */
    static void stopRecorded(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path pidFile : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(ProcessHandle::destroy);
            }
        }
    }
}
