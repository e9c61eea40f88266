package bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RequestFeedTest {

    private static RequestFeed.Prepared request(int index, int bytes) {
        return new RequestFeed.Prepared(index, new byte[bytes], 1, 1);
    }

    @Test
    void aRunThatFitsTheBudgetIsBuiltCompletelyBeforeTheClockStarts() {
        try (RequestFeed feed = new RequestFeed(500, 1 << 20, i -> request(i, 100))) {
            feed.awaitReady(() -> false);
            assertEquals(500, feed.ready());
            for (int i = 0; i < 500; i++) {
                assertEquals(i, feed.take().index());
            }
        }
    }

    @Test
    void aLongRunStaysWithinTheBudgetAndStillDeliversEveryRequestInOrder() {
        AtomicInteger built = new AtomicInteger();
        try (RequestFeed feed = new RequestFeed(200, 50 * 1024, i -> {
            built.incrementAndGet();
            return request(i, 10 * 1024);
        })) {
            feed.awaitReady(() -> false);
            assertEquals(5, feed.ready(), "50 KiB of budget holds five 10 KiB requests");
            assertTrue(built.get() <= 6, "the builder stops (at most one request in hand) at the budget: " + built);
            for (int i = 0; i < 200; i++) {
                assertEquals(i, feed.take().index());
                assertTrue(feed.ready() <= 5);
            }
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(10)
    void waitingForTheFeedEndsWhenTheRunIsStopped() {
        java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
        try (RequestFeed feed = new RequestFeed(10, 1 << 20, i -> {
            try {
                never.await(); // a builder that never finishes (a hung tokenizer)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return request(i, 10);
        })) {
            feed.awaitReady(() -> true);
            assertEquals(0, feed.ready());
        }
    }

    @Test
    void aRequestLargerThanTheWholeBudgetStillGoesThrough() {
        try (RequestFeed feed = new RequestFeed(3, 4 * 1024, i -> request(i, 64 * 1024))) {
            feed.awaitReady(() -> false);
            for (int i = 0; i < 3; i++) {
                assertEquals(i, feed.take().index());
            }
        }
    }

    @Test
    void aBuilderFailureReachesTheTakerAsAOneLineError() {
        try (RequestFeed feed = new RequestFeed(10, 1 << 20, i -> {
            if (i == 2) {
                throw new BenchException("tokenizer said no");
            }
            return request(i, 10);
        })) {
            BenchException e = assertThrows(BenchException.class, () -> {
                feed.awaitReady(() -> false);
                for (int i = 0; i < 10; i++) {
                    feed.take();
                }
            });
            assertEquals("tokenizer said no", e.getMessage());
        }
    }
}
