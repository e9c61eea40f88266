package bench.report;

import bench.load.RampUp;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What was run, for the result file: names and the full configuration.
 *
 * @param benchVersion the version of bench that ran it ({@link bench.BenchVersion})
 * @param backend      {@code openai} or {@code openai-chat}, as vLLM names endpoint types
 * @param rampUp       the request-rate ramp (--ramp-up-strategy), or null when the rate was not ramped
 * @param config       every option of the run, as JSON (secrets removed)
 */
public record RunInfo(String benchVersion, String backend, String label, String modelId, String tokenizerId,
        String baseUrl, String endpointPath, String datasetName, RampUp rampUp, JsonNode config) {
    public RunInfo {
        if (benchVersion == null || benchVersion.isBlank()) {
            throw new IllegalArgumentException("benchVersion is required");
        }
    }
}
