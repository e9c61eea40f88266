package bench.dataset;

/**
 * The requests of a run, by index. {@link #get} is deterministic for a given dataset and seed
 * and may be called from any thread; sources may build samples lazily so a million-request run
 * does not hold a million prompts.
 */
public interface SampleSource {

    int size();

    Sample get(int index);

    /** Dataset name for results ({@code random}, {@code sharegpt}, {@code custom}). */
    String name();
}
