package bench.load;

/** Request-rate ramp over the run, as {@code vllm bench serve --ramp-up-strategy}. */
public record RampUp(Strategy strategy, double startRps, double endRps) {

    public enum Strategy { LINEAR, EXPONENTIAL }

    public RampUp {
        if (strategy == null) {
            throw new IllegalArgumentException("ramp-up strategy is required");
        }
        if (!(startRps >= 0) || !(endRps > 0) || Double.isInfinite(startRps) || Double.isInfinite(endRps)) {
            throw new IllegalArgumentException("ramp-up rates must be finite, start >= 0 and end > 0");
        }
        if (startRps > endRps) {
            throw new IllegalArgumentException("ramp-up start rate must not exceed the end rate");
        }
        if (strategy == Strategy.EXPONENTIAL && startRps == 0) {
            throw new IllegalArgumentException("exponential ramp-up needs a start rate > 0");
        }
    }

    /** The strategy as the flag and vLLM's result spell it: {@code linear}, {@code exponential}. */
    public String strategyName() {
        return strategy.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Rate for request {@code index} of {@code total}: progress runs from 0 to 1 over the requests. */
    public double rateAt(int index, int total) {
        double progress = total <= 1 ? 0 : (double) index / (total - 1);
        return switch (strategy) {
            case LINEAR -> startRps + (endRps - startRps) * progress;
            case EXPONENTIAL -> startRps * Math.pow(endRps / startRps, progress);
        };
    }
}
