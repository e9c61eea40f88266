package bench.metrics;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Mutable accumulator for one latency metric, in nanoseconds: an HdrHistogram (3 significant
 * digits, auto-resizing) plus an exact sum so the mean is not quantised. Not thread-safe:
 * each event loop owns its recorders; merge them with {@link #add}.
 */
public final class LatencyRecorder {
    private final Histogram histogram;
    private long count;
    private double sumNanos;
    private double sumSquaresNanos;

    public LatencyRecorder() {
        this.histogram = new Histogram(3);
        this.histogram.setAutoResize(true);
    }

    private LatencyRecorder(Histogram histogram) {
        this.histogram = histogram;
        this.count = histogram.getTotalCount();
        // exact sums are not in the encoded histogram: rebuild them from its buckets
        for (var v : histogram.recordedValues()) {
            double mid = histogram.medianEquivalentValue(v.getValueIteratedTo());
            sumNanos += mid * v.getCountAtValueIteratedTo();
            sumSquaresNanos += mid * mid * v.getCountAtValueIteratedTo();
        }
    }

    /** Records one value; negative values (clock anomalies) are recorded as zero. */
    public void record(long nanos) {
        long v = Math.max(0, nanos);
        histogram.recordValue(v);
        count++;
        sumNanos += v;
        sumSquaresNanos += (double) v * v;
    }

    /** Records {@code n} equal values at once. */
    public void record(long nanos, long n) {
        if (n <= 0) {
            return;
        }
        long v = Math.max(0, nanos);
        histogram.recordValueWithCount(v, n);
        count += n;
        sumNanos += (double) v * n;
        sumSquaresNanos += (double) v * v * n;
    }

    public void reset() {
        histogram.reset();
        count = 0;
        sumNanos = 0;
        sumSquaresNanos = 0;
    }

    public void add(LatencyRecorder other) {
        histogram.add(other.histogram);
        count += other.count;
        sumNanos += other.sumNanos;
        sumSquaresNanos += other.sumSquaresNanos;
    }

    public long count() {
        return count;
    }

    public double meanNanos() {
        return count == 0 ? 0 : sumNanos / count;
    }

    /** Population standard deviation, as numpy's default. */
    public double stdNanos() {
        if (count == 0) {
            return 0;
        }
        double mean = sumNanos / count;
        return Math.sqrt(Math.max(0, sumSquaresNanos / count - mean * mean));
    }

    /** Value at a percentile in [0, 100]; 0 when empty. */
    public long percentileNanos(double percentile) {
        return count == 0 ? 0 : histogram.getValueAtPercentile(percentile);
    }

    public long maxNanos() {
        return count == 0 ? 0 : histogram.getMaxValue();
    }

    public long minNanos() {
        return count == 0 ? 0 : histogram.getMinValue();
    }

    public LatencySummary summary(List<Double> percentiles) {
        double[] values = new double[percentiles.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = percentileNanos(percentiles.get(i)) / 1e6;
        }
        return new LatencySummary(count, meanNanos() / 1e6, percentileNanos(50) / 1e6,
                stdNanos() / 1e6, minNanos() / 1e6, maxNanos() / 1e6,
                List.copyOf(percentiles), values);
    }

    /** The histogram, compressed and base64-encoded (HdrHistogram's V2 compressed format). */
    public String toBase64() {
        Histogram copy = histogram.copy();
        ByteBuffer buf = ByteBuffer.allocate(copy.getNeededByteBufferCapacity());
        int len = copy.encodeIntoCompressedByteBuffer(buf);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), len));
    }

    /** Decodes {@link #toBase64()}; the mean then comes from bucket midpoints. */
    public static LatencyRecorder fromBase64(String base64) {
        byte[] bytes = Base64.getDecoder().decode(base64);
        try {
            Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
            h.setAutoResize(true);
            return new LatencyRecorder(h);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not an encoded histogram: " + e.getMessage(), e);
        }
    }
}
