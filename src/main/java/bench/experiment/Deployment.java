package bench.experiment;

/** A topology up and serving: where to send requests; closing tears it down. */
public interface Deployment extends AutoCloseable {
    String endpoint();

    @Override
    void close();
}
