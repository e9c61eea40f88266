package bench.cli;

import bench.BenchException;
import bench.openai.Endpoint;
import bench.openai.RequestEncoder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where requests go (flags as {@code vllm bench serve}). */
final class TargetOptions {
    @Option(names = "--base-url", paramLabel = "URL",
            description = "Server base URL, e.g. http://host:8000 (instead of --host/--port).")
    String baseUrl;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server host when no --base-url (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8000", description = "Server port when no --base-url (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--endpoint", paramLabel = "PATH",
            description = "API path: /v1/completions or /v1/chat/completions (default: by --backend, /v1/completions).")
    String endpoint;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "openai",
            description = "openai (completions) or openai-chat (chat completions); vllm is an alias of openai (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--model", description = "Model name (default: the first model the server lists on /v1/models).")
    String model;

    @Option(names = "--served-model-name", paramLabel = "NAME",
            description = "Model name in requests when the server serves --model under another name, as in vLLM "
                    + "(default: --model).")
    String servedModelName;

    @Option(names = "--insecure", description = "For https: do not verify the server's certificate or host name.")
    boolean insecure;

    @Option(names = "--header", paramLabel = "KEY=VALUE",
            description = "Extra request header, repeatable. The API key comes only from OPENAI_API_KEY.")
    List<String> headers;

    Endpoint endpoint() {
        if (baseUrl != null) {
            return Endpoint.parse(baseUrl);
        }
        return new Endpoint("http", host, port, "");
    }

    String backendName() {
        return switch (backend) {
            case "openai", "vllm" -> "openai";
            case "openai-chat" -> "openai-chat";
            default -> throw new BenchException("unknown --backend '" + backend + "': use openai or openai-chat");
        };
    }

    /**
     * The API path: --endpoint, else the backend's. As in vLLM, the openai-chat backend takes
     * only a path ending in chat/completions; requests follow the path (a chat path sends chat
     * completions, whatever the backend).
     */
    String apiPath() {
        boolean chat = "openai-chat".equals(backendName());
        if (endpoint == null) {
            return chat ? "/v1/chat/completions" : "/v1/completions";
        }
        if (chat && RequestEncoder.apiOf(endpoint) != RequestEncoder.Api.CHAT) {
            throw new BenchException("--backend openai-chat sends chat completions: --endpoint '" + endpoint
                    + "' must end with chat/completions, e.g. /v1/chat/completions", Cli.EXIT_USAGE, null);
        }
        return endpoint;
    }

    /** --header values plus Authorization from OPENAI_API_KEY. */
    Map<String, String> headers(CliEnv env) {
        Map<String, String> h = new LinkedHashMap<>();
        String key = env.get("OPENAI_API_KEY");
        if (key != null && !key.isBlank()) {
            h.put("Authorization", "Bearer " + key.trim());
        }
        if (headers != null) {
            for (String kv : headers) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new BenchException("bad --header '" + kv + "': expected KEY=VALUE");
                }
                h.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        return h;
    }
}
