package bench.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.net.ChannelFds;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The mock's two ways of writing tokens: straight to the descriptor, or through the channel. */
@Timeout(60)
class MockWritePathTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TOKENS = 40;

    @Test
    void channelsGiveTheirDescriptors() throws Exception {
        // the tests run with java.base's sun.nio.ch exported, as the jar's manifest does
        assertTrue(ChannelFds.available());
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                SocketChannel a = SocketChannel.open(server.getLocalAddress());
                SocketChannel b = SocketChannel.open(server.getLocalAddress())) {
            int fa = ChannelFds.fd(a);
            int fb = ChannelFds.fd(b);
            assertTrue(fa > 2 && fb > 2 && fa != fb, fa + ", " + fb);
            assertEquals(-1, ChannelFds.fd(null));
        }
    }

    @Test
    void bothPathsStreamTheSameTokensInOrder() throws Exception {
        List<String> direct = stream(true);
        List<String> nio = stream(false);
        // each request's words come from its index: the same on either path, and not all alike
        assertEquals(nio, direct);
        assertTrue(!direct.get(0).equals(direct.get(1)), direct.toString());
    }

    /** Two streamed completions on one connection; their texts. */
    private static List<String> stream(boolean direct) throws Exception {
        List<String> texts = new ArrayList<>();
        try (MockServer server = new MockServer(new MockConfig("127.0.0.1", 0, "m", 5, 1, 16), false,
                new IdleCollector(), direct).start();
                RawHttp c = new RawHttp(server.port(), 10_000)) {
            for (int round = 0; round < 2; round++) {
                RawHttp.Response r = c.exchange("POST", "/v1/completions",
                        MockServerTest.completionBody(TOKENS, true, true));
                assertEquals(200, r.status());
                // TOKENS token events, the usage event and [DONE]
                assertEquals(TOKENS + 2, r.chunks().size(), r.body());
                StringBuilder text = new StringBuilder();
                for (RawHttp.Chunk ch : r.chunks().subList(0, TOKENS)) {
                    text.append(MockServerTest.event(ch).get("choices").get(0).get("text").asText());
                }
                JsonNode usage = MockServerTest.event(r.chunks().get(TOKENS)).get("usage");
                assertEquals(TOKENS, usage.get("completion_tokens").asInt());
                assertEquals("data: [DONE]\n\n", r.chunks().get(TOKENS + 1).payload());
                texts.add(text.toString());
            }
            JsonNode stats = JSON.readTree(c.exchange("GET", "/mock/stats", null).body());
            assertEquals(direct ? "direct" : "nio", stats.get("write_path").asText());
            assertEquals(2L * TOKENS, stats.get("tokens_sent").asLong());
        }
        return texts;
    }
}
