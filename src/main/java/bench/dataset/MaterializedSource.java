package bench.dataset;

import bench.BenchException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Builds every sample of a source up front, in parallel: used when building one costs
 * network round trips (the server's tokenizer), which must not happen during the run.
 */
public final class MaterializedSource implements SampleSource {
    private final String name;
    private final Sample[] samples;

    private MaterializedSource(String name, Sample[] samples) {
        this.name = name;
        this.samples = samples;
    }

    public static MaterializedSource of(SampleSource source, int threads) {
        Sample[] out = new Sample[source.size()];
        if (out.length == 0) {
            return new MaterializedSource(source.name(), out);
        }
        int n = Math.max(1, Math.min(threads, out.length));
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "bench-dataset");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < n; w++) {
                int worker = w;
                futures.add(pool.submit(() -> {
                    for (int i = worker; i < out.length; i += n) {
                        out[i] = source.get(i);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while building the dataset", 130, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new BenchException("building the dataset failed: " + cause.getMessage(), cause);
        } finally {
            pool.shutdownNow();
        }
        return new MaterializedSource(source.name(), out);
    }

    @Override
    public int size() {
        return samples.length;
    }

    @Override
    public Sample get(int index) {
        return samples[index];
    }

    @Override
    public String name() {
        return name;
    }
}
