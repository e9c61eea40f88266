package bench.openai;

import bench.BenchException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where requests go: scheme, host, port and the base path that {@code /v1/...} is appended to.
 *
 * @param basePath "" or a path without trailing slash, e.g. "/proxy"
 */
public record Endpoint(String scheme, String host, int port, String basePath) {

    public Endpoint {
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new BenchException("unsupported URL scheme '" + scheme + "': use http:// or https://");
        }
        if (host == null || host.isBlank()) {
            throw new BenchException("the base URL has no host");
        }
        if (port < 1 || port > 65535) {
            throw new BenchException("port " + port + " is out of range 1..65535");
        }
        basePath = basePath == null ? "" : basePath;
        while (basePath.endsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
    }

    /** Parses {@code http://host:port[/path]}; the port defaults to 80 or 443. */
    public static Endpoint parse(String baseUrl) {
        URI uri;
        try {
            uri = new URI(baseUrl.trim());
        } catch (URISyntaxException e) {
            throw new BenchException("bad base URL '" + baseUrl + "': " + e.getReason());
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new BenchException("bad base URL '" + baseUrl + "': expected http://host:port");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : ("https".equals(scheme) ? 443 : 80);
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Endpoint(scheme, host, port, uri.getRawPath());
    }

    public static Endpoint of(String host, int port) {
        return new Endpoint("http", host, port, "");
    }

    public boolean tls() {
        return "https".equals(scheme);
    }

    /** Value of the Host header. */
    public String hostHeader() {
        boolean defaultPort = (port == 80 && !tls()) || (port == 443 && tls());
        String h = host.contains(":") ? "[" + host + "]" : host;
        return defaultPort ? h : h + ":" + port;
    }

    /** The request target for an API path such as {@code /v1/completions}. */
    public String target(String path) {
        return basePath + (path.startsWith("/") ? path : "/" + path);
    }

    /** Absolute URL of an API path, for control calls. */
    public URI uri(String path) {
        return URI.create(scheme + "://" + hostHeader() + target(path));
    }

    @Override
    public String toString() {
        return scheme + "://" + hostHeader() + basePath;
    }
}
