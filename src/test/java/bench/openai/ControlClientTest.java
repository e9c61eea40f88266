package bench.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControlClientTest {
    private WireMockServer wiremock;
    private ControlClient client;

    @BeforeEach
    void start() {
        wiremock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wiremock.start();
        client = new ControlClient(Endpoint.of("127.0.0.1", wiremock.port()), Map.of(), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        client.close();
        wiremock.stop();
    }

    @Test
    void aConnectionClosedBeforeAnyAnswerIsTriedOnceMore() {
        wiremock.stubFor(post(urlEqualTo("/tokenize")).inScenario("stale").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)).willSetStateTo("fresh"));
        wiremock.stubFor(post(urlEqualTo("/tokenize")).inScenario("stale").whenScenarioStateIs("fresh")
                .willReturn(aResponse().withHeader("Content-Type", "application/json")
                        .withBody("{\"tokens\": [5, 7, 9], \"count\": 3}")));
        assertArrayEquals(new int[] {5, 7, 9}, client.tokenize("m", "a b c"));
        wiremock.verify(2, postRequestedFor(urlEqualTo("/tokenize")));
    }

    @Test
    void aServerThatKeepsClosingIsReportedInOneLineAfterTheSecondTry() {
        wiremock.stubFor(post(urlEqualTo("/detokenize")).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));
        BenchException e = assertThrows(BenchException.class, () -> client.detokenize("m", new int[] {1}));
        assertTrue(e.getMessage().startsWith("cannot reach http://127.0.0.1:" + wiremock.port() + "/detokenize: "),
                e.getMessage());
        assertEquals(-1, e.getMessage().indexOf('\n'));
        wiremock.verify(2, postRequestedFor(urlEqualTo("/detokenize")));
    }
}
