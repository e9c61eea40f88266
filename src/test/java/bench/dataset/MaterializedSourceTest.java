package bench.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MaterializedSourceTest {

    /** Sample i is "p{i}" with i+1 output tokens; counts calls and the threads that made them. */
    static final class CountingSource implements SampleSource {
        final int size;
        final AtomicInteger calls = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final int failAt;
        final RuntimeException failure;

        CountingSource(int size, int failAt, RuntimeException failure) {
            this.size = size;
            this.failAt = failAt;
            this.failure = failure;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public Sample get(int index) {
            calls.incrementAndGet();
            threads.add(Thread.currentThread().getName() + "#" + Thread.currentThread().threadId());
            if (index == failAt) {
                throw failure;
            }
            return new Sample("p" + index, index % 5, index + 1);
        }

        @Override
        public String name() {
            return "counting";
        }
    }

    @Test
    void holdsTheSourcesSamplesInOrder() {
        CountingSource src = new CountingSource(103, -1, null);
        MaterializedSource m = MaterializedSource.of(src, 4);
        assertEquals(103, m.size());
        assertEquals("counting", m.name());
        for (int i = 0; i < 103; i++) {
            assertEquals(new Sample("p" + i, i % 5, i + 1), m.get(i), "sample " + i);
        }
        assertEquals(103, src.calls.get(), "each sample is built exactly once");
        assertEquals(4, src.threads.size(), "threads: " + src.threads);
        assertTrue(src.threads.stream().allMatch(t -> t.startsWith("bench-dataset#")), "threads: " + src.threads);
        // reading it again builds nothing
        m.get(50);
        assertEquals(103, src.calls.get());
    }

    @Test
    void moreThreadsThanSamplesAndZeroThreadsWork() {
        CountingSource few = new CountingSource(3, -1, null);
        MaterializedSource m = MaterializedSource.of(few, 64);
        assertEquals(3, m.size());
        assertEquals(new Sample("p2", 2, 3), m.get(2));
        assertEquals(3, few.calls.get());

        MaterializedSource one = MaterializedSource.of(new CountingSource(10, -1, null), 0);
        assertEquals(10, one.size());
        assertEquals(new Sample("p9", 4, 10), one.get(9));
    }

    @Test
    void anEmptySourceGivesAnEmptyOne() {
        MaterializedSource m = MaterializedSource.of(new CountingSource(0, -1, null), 8);
        assertEquals(0, m.size());
        assertEquals("counting", m.name());
    }

    @Test
    void aBenchExceptionFromTheSourceIsRethrownAsIs() {
        BenchException boom = new BenchException("tokenize failed: connection refused", 3, null);
        CountingSource src = new CountingSource(100, 37, boom);
        BenchException e = assertThrows(BenchException.class, () -> MaterializedSource.of(src, 4));
        assertSame(boom, e);
        assertEquals(3, e.exitCode());
    }

    @Test
    void anUncheckedErrorIsWrappedInABenchException() {
        AssertionError err = new AssertionError("broken");
        SampleSource src = new SampleSource() {
            @Override
            public int size() {
                return 5;
            }

            @Override
            public Sample get(int index) {
                throw err;
            }

            @Override
            public String name() {
                return "bad";
            }
        };
        BenchException e = assertThrows(BenchException.class, () -> MaterializedSource.of(src, 2));
        assertEquals("building the dataset failed: broken", e.getMessage());
        assertSame(err, e.getCause());
    }

    @Test
    void materializingARandomDatasetInParallelGivesTheSameSamples() {
        try (HfTokenizer bpe = Fixtures.load(Fixtures.BYTELEVEL)) {
            RandomDataset ds = new RandomDataset(bpe, 64, 48, 16, 0.3, 5, 11);
            MaterializedSource m = MaterializedSource.of(ds, 8);
            assertEquals(64, m.size());
            assertEquals("random", m.name());
            RandomDataset again = new RandomDataset(bpe, 64, 48, 16, 0.3, 5, 11);
            for (int i = 0; i < 64; i++) {
                assertEquals(again.get(i), m.get(i), "sample " + i);
            }
        }
    }
}
