package bench.dataset;

import java.util.List;

/** A source over samples already in memory. */
public record ListSource(String name, List<Sample> samples) implements SampleSource {
    public ListSource {
        samples = List.copyOf(samples);
    }

    @Override
    public int size() {
        return samples.size();
    }

    @Override
    public Sample get(int index) {
        return samples.get(index);
    }
}
