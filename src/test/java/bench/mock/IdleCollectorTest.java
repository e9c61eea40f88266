package bench.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class IdleCollectorTest {

    @Test
    void dueOnlyAfterTheHeapGrewByTheThresholdSinceTheLastCollection() {
        AtomicLong used = new AtomicLong(100);
        AtomicInteger gcs = new AtomicInteger();
        IdleCollector c = new IdleCollector(used::get, () -> {
            gcs.incrementAndGet();
            used.set(40);
        }, 50);
        assertFalse(c.due());
        used.set(149);
        assertFalse(c.due(), "grew by 49 < 50");
        used.set(150);
        assertTrue(c.due());
        c.collect();
        assertEquals(1, gcs.get());
        assertFalse(c.due(), "measured again after the collection: 40");
        used.set(89);
        assertFalse(c.due());
        used.set(90);
        assertTrue(c.due());
    }

    @Test
    @Timeout(30)
    void theServerCollectsOnlyOnceIdleAndOnlyWhenDue() throws Exception {
        AtomicLong used = new AtomicLong(0);
        AtomicInteger gcs = new AtomicInteger();
        IdleCollector c = new IdleCollector(used::get, gcs::incrementAndGet, 10);
        MockConfig config = new MockConfig("127.0.0.1", 0, "m", 300, 10, 4);
        try (MockServer server = new MockServer(config, false, c).start();
                HttpClient http = HttpClient.newHttpClient()) {
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v1/completions");
            Thread.sleep(3 * IdleCollector.IDLE_MILLIS);
            assertEquals(0, gcs.get(), "not due: the heap did not grow");
            used.set(10);
            // a stream is scheduled for 300 ms: busy, so no collection until it has ended
            Thread streaming = Thread.ofPlatform().start(() -> {
                try {
                    http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"m\",\"prompt\":\"ka\",\"max_tokens\":2,\"stream\":true}")).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(250);
            assertEquals(0, gcs.get(), "a stream is in progress");
            streaming.join();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (gcs.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, gcs.get(), "collected once idle");
            Thread.sleep(3 * IdleCollector.IDLE_MILLIS);
            assertEquals(1, gcs.get(), "not again until the heap grows again");
        }
    }
}
