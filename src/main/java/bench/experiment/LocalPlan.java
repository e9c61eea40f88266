package bench.experiment;

import bench.slurm.Group;
import bench.slurm.Node;
import bench.slurm.Plan;
import bench.slurm.PlanFormat;
import bench.slurm.Role;
import bench.slurm.Router;
import bench.slurm.Shell;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What the {@code local} runtime starts for a plan, in start order: a {@code bench mock}
 * engine for every serving node, then each group's router stand-in, then the router stand-in;
 * every process on 127.0.0.1 on a port the OS picks ({@code --port 0}, written to its port
 * file). {@link LocalLaunch} starts exactly these processes, and {@code bench experiment
 * --dry-run} prints them ({@link #text()}). Pure: paths are only named.
 *
 * @param plan      the plan the processes stand in for
 * @param logDir    where each process's log (NAME.log) and port file (NAME.port) go
 * @param processes in start order; a process names only the URLs of processes before it
 * @param endpoint  name of the process clients send to: the router, else the only engine
 */
public record LocalPlan(Plan plan, Path logDir, List<Proc> processes, String endpoint) {

    /** An argument of a process: literal text, or the local URL of an earlier process (known once it listens). */
    public sealed interface Arg permits Text, UrlOf {}

    public record Text(String text) implements Arg {}

    public record UrlOf(String process) implements Arg {}

    /**
     * One process.
     *
     * @param name       its files are NAME.log and NAME.port in the log directory
     * @param role       the engine's role (dp-head, prefill, decode), group-router or router
     * @param group      the route group it belongs to; -1 for the router
     * @param standsFor  the plan's URL of the engine or router it stands in for
     * @param engines    data-parallel engines the mock simulates; 0 for a router
     * @param jvmOptions options of its JVM
     * @param args       bench's arguments ({@code mock ...}, {@code mock router ...})
     */
    public record Proc(String name, String role, int group, String standsFor, int engines, List<String> jvmOptions,
            List<Arg> args) {
        public Proc {
            jvmOptions = List.copyOf(jvmOptions);
            args = List.copyOf(args);
        }
    }

    public LocalPlan {
        processes = List.copyOf(processes);
        List<String> names = new ArrayList<>();
        for (Proc p : processes) {
            for (Arg a : p.args()) {
                if (a instanceof UrlOf u && !names.contains(u.process())) {
                    throw new IllegalArgumentException(p.name() + " names " + u.process() + ", not started before it");
                }
            }
            if (names.contains(p.name())) {
                throw new IllegalArgumentException("two processes named " + p.name());
            }
            names.add(p.name());
        }
        if (!names.contains(endpoint)) {
            throw new IllegalArgumentException("the endpoint " + endpoint + " is not one of the processes");
        }
    }

    /** The processes that stand in for the plan's nodes and routers, their logs in {@code logDir}. */
    public static LocalPlan of(Plan plan, LocalEngineModel model, Path logDir) {
        List<Proc> procs = new ArrayList<>();
        // the plan's URL of each engine and group router: the name of the process standing in for it
        Map<String, String> standIns = new HashMap<>();
        String endpoint = null;
        for (Node n : plan.servingNodes().toList()) {
            String name = n.role().jsonName() + "-" + n.host();
            List<Arg> args = texts(serverArgs(List.of("mock"), name, logDir));
            args.addAll(texts(model.mockArgs(n)));
            procs.add(new Proc(name, n.role().jsonName(), n.group(), n.url(), model.engines(n), List.of("-Xms128m"),
                    args));
            standIns.put(n.url(), name);
            if (endpoint == null) {
                endpoint = name;
            }
        }
        for (Group g : plan.groups()) {
            Router gr = g.router();
            if (gr != null) {
                String name = PlanFormat.GROUP_ROUTER + "-" + gr.host();
                procs.add(router(name, PlanFormat.GROUP_ROUTER, g.index(), gr, logDir, standIns));
                standIns.put(gr.url(), name);
            }
        }
        Router r = plan.router();
        if (r != null) {
            endpoint = "router";
            procs.add(router(endpoint, "router", -1, r, logDir, standIns));
        }
        return new LocalPlan(plan, logDir, procs, endpoint);
    }

    /** The router stand-in with the plan router's settings, its workers the processes standing in for them. */
    private static Proc router(String name, String role, int group, Router r, Path logDir,
            Map<String, String> standIns) {
        List<Arg> args = texts(serverArgs(List.of("mock", "router"), name, logDir));
        args.addAll(texts(List.of("--policy", r.policy())));
        java.util.function.Function<String, Arg> worker = url -> {
            String process = standIns.get(url);
            if (process == null) {
                throw new IllegalStateException("the router names " + url + ", which no engine or group router serves");
            }
            return new UrlOf(process);
        };
        if (!r.prefill().isEmpty()) {
            args.add(new Text("--vllm-pd-disaggregation"));
            for (String u : r.prefill()) {
                args.add(new Text("--prefill"));
                args.add(worker.apply(u));
            }
            for (String u : r.decode()) {
                args.add(new Text("--decode"));
                args.add(worker.apply(u));
            }
        } else {
            args.add(new Text("--worker-urls"));
            for (String u : r.workers()) {
                args.add(worker.apply(u));
            }
        }
        if (r.intraNodeDataParallelSize() > 1) {
            args.addAll(texts(List.of("--intra-node-data-parallel-size",
                    Integer.toString(r.intraNodeDataParallelSize()))));
        }
        return new Proc(name, role, group, r.url(), 0, List.of("-Xms64m"), args);
    }

    private static List<String> serverArgs(List<String> command, String name, Path logDir) {
        List<String> a = new ArrayList<>(command);
        a.addAll(List.of("--host", "127.0.0.1", "--port", "0", "--port-file", portFile(logDir, name).toString()));
        return a;
    }

    private static List<Arg> texts(List<String> words) {
        return words.stream().map(w -> (Arg) new Text(w)).collect(Collectors.toCollection(ArrayList::new));
    }

    private static Path portFile(Path logDir, String name) {
        return logDir.resolve(name + ".port");
    }

    public Path portFile(Proc p) {
        return portFile(logDir, p.name());
    }

    public Path log(Proc p) {
        return logDir.resolve(p.name() + ".log");
    }

    /** The nodes no process stands in for: the headless DP workers, whose group's head simulates their ranks. */
    public List<String> notStarted() {
        return plan.nodes().filter(n -> n.role() == Role.DP_WORKER).map(Node::host).toList();
    }

    /** A process's bench arguments, each URL of another process given by {@code url}. */
    public static List<String> words(Proc p, java.util.function.Function<String, String> url) {
        return p.args().stream().map(a -> switch (a) {
            case Text t -> t.text();
            case UrlOf u -> Objects.requireNonNull(url.apply(u.process()), u.process());
        }).toList();
    }

    /** For people: the processes, what each stands in for, the endpoint, the logs and each command line. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append("local runtime: ").append(processes.size()).append(processes.size() == 1 ? " process" : " processes")
                .append(" on 127.0.0.1 ").append(processes.size() == 1 ? "stands" : "stand").append(" in for ").append(PlanFormat.shape(plan)).append("\n\n");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"PROCESS", "ROLE", "GROUP", "STANDS FOR", "DP ENGINES"});
        for (Proc p : processes) {
            rows.add(new String[] {p.name(), p.role(), p.group() < 0 ? "-" : Integer.toString(p.group()),
                p.standsFor(), p.engines() == 0 ? "-" : Integer.toString(p.engines())});
        }
        sb.append(PlanFormat.columns(rows)).append('\n');
        List<String> idle = notStarted();
        if (!idle.isEmpty()) {
            sb.append("not started: ").append(String.join(", ", idle))
                    .append(" (headless DP workers: the head of their group simulates all of its ranks)\n");
        }
        sb.append("endpoint: ").append(endpoint).append(", ").append(placeholder(endpoint)).append('\n');
        sb.append("ports:    each process listens on a port the OS picks (--port 0) and writes it to NAME.port;"
                + " logs and port files in ").append(logDir).append('\n');
        sb.append("\ncommands (<NAME port> stands for the port that process listens on):\n");
        for (Proc p : processes) {
            sb.append("  ").append(p.name()).append(": bench ").append(p.args().stream().map(a -> switch (a) {
                case Text t -> Shell.quote(t.text());
                case UrlOf u -> placeholder(u.process());
            }).collect(Collectors.joining(" "))).append('\n');
        }
        return sb.toString();
    }

    private static String placeholder(String process) {
        return "http://127.0.0.1:<" + process + " port>";
    }
}
