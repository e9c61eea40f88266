package bench.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.cli.CliRunner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** https through the streaming client: a TLS server on 127.0.0.1 with a self-signed certificate. */
@Timeout(120)
class TlsStreamIT {
    @TempDir
    static Path dir;
    static ServerSocket server;
    static Thread acceptor;
    static final List<Socket> sockets = new ArrayList<>();

    @BeforeAll
    static void startTlsServer() throws Exception {
        Path ks = dir.resolve("server.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "bench", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        server = s;
        acceptor = Thread.ofPlatform().daemon().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket c = server.accept();
                    c.setTcpNoDelay(true); // as real servers do; Nagle would batch the tokens
                    synchronized (sockets) {
                        sockets.add(c);
                    }
                    Thread.ofPlatform().daemon().start(() -> serve(c));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
        acceptor.join(5000);
    }

    /** Answers every request on the connection with a 3-token stream, keep-alive. */
    static void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                int len = 0;
                for (String line : head.split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        len = Integer.parseInt(line.substring(15).trim());
                    }
                }
                in.readNBytes(len);
                out.write("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (int k = 1; k <= 3; k++) {
                    chunk(out, "data: {\"choices\":[{\"index\":0,\"text\":\" t" + k + "\"}],\"usage\":{\"prompt_tokens\":8,"
                            + "\"completion_tokens\":" + k + "}}\n\n");
                    Thread.sleep(5);
                }
                chunk(out, "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":3}}\n\n");
                chunk(out, "data: [DONE]\n\n");
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // client went away
        }
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) ? state + 1 : (c == '\n' && (state == 1 || state == 3))
                    ? state + 1 : 0;
            if (state == 4) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    static void chunk(OutputStream out, String payload) throws IOException {
        byte[] p = payload.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(p.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(p);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Runs n requests through one client, 2 at a time; returns the outcomes. */
    static List<StreamOutcome> stream(boolean insecure, int n) throws IOException {
        Endpoint ep = Endpoint.parse("https://127.0.0.1:" + server.getLocalPort());
        RequestEncoder enc = new RequestEncoder(ep, "/v1/completions", "m", java.util.Map.of(), true, true, null);
        List<StreamOutcome> outcomes = new ArrayList<>();
        List<Integer> tokens = new ArrayList<>();
        try (StreamClient client = new StreamClient(ep, insecure)) {
            int[] sent = {0};
            client.run(new StreamClient.Driver() {
                @Override
                public long tick(long now) {
                    while (sent[0] < n && client.inFlight() < 2) {
                        int i = sent[0]++;
                        client.send(enc.encode("hello", 3, "tls-" + i), new StreamHandler() {
                            @Override
                            public void onWritten(long nanos) {}

                            @Override
                            public void onTokens(long nanos, int k) {
                                synchronized (tokens) {
                                    tokens.add(k);
                                }
                            }

                            @Override
                            public void onComplete(long nanos, StreamOutcome outcome) {
                                outcomes.add(outcome);
                            }
                        }, TimeUnit.SECONDS.toNanos(20), now);
                    }
                    return Long.MAX_VALUE;
                }

                @Override
                public boolean finished() {
                    return outcomes.size() == n;
                }
            });
            if (insecure) {
                assertEquals(2, client.stats().connectionsOpened, "kept-alive TLS connections are reused");
            }
        }
        return outcomes;
    }

    @Test
    void httpsStreamsThroughTheNioClient() throws Exception {
        List<StreamOutcome> outcomes = stream(true, 6);
        assertEquals(6, outcomes.size());
        for (StreamOutcome o : outcomes) {
            assertNull(o.failure(), o.detail());
            assertEquals(3, o.tokensSeen());
            assertEquals(3, o.tokenEvents());
            assertTrue(o.sawDone());
        }
    }

    @Test
    void anUntrustedCertificateFailsTheConnection() throws Exception {
        List<StreamOutcome> outcomes = stream(false, 2);
        for (StreamOutcome o : outcomes) {
            assertEquals(FailureKind.CONNECT_ERROR, o.failure());
            assertTrue(o.detail().contains("TLS handshake with 127.0.0.1 failed"), o.detail());
        }
    }

    @Test
    void benchRunOverHttps() throws Exception {
        Path tokenizer = Path.of("src/test/resources/tokenizers/wordlevel-tokenizer.json");
        CliRunner.Result r = CliRunner.run("run", "--base-url", "https://127.0.0.1:" + server.getLocalPort(),
                "--insecure", "--model", "m", "--tokenizer", tokenizer.toString(), "--input-len", "8", "--output-len",
                "3", "--num-prompts", "10", "--max-concurrency", "3", "--no-progress", "--no-self-warmup",
                "--save-result", "--save-detailed", "--result-dir", dir.toString(), "--result-filename", "tls.json");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        JsonNode j = new ObjectMapper().readTree(dir.resolve("tls.json").toFile());
        assertEquals(10, j.get("completed").asInt());
        assertEquals(30, j.get("total_output_tokens").asInt());
        assertTrue(j.get("mean_itl_ms").asDouble() >= 4, j.get("mean_itl_ms").toString());
    }
}
