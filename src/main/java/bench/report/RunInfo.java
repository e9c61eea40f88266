package bench.report;

import bench.load.RampUp;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What was run, for the result file: names and the full configuration.
 *
 * @param benchVersion the version of bench that ran it ({@link bench.BenchVersion})
 * @param backend      {@code openai} or {@code openai-chat}, as vLLM names endpoint types
 * @param rampUp       the request-rate ramp (--ramp-up-strategy), or null when the rate was not ramped
 * @param metadata     --metadata pairs in order, written top-level too: none may be a result key
 * @param config       every option of the run, as JSON (secrets removed)
 */
public record RunInfo(String benchVersion, String backend, String label, String modelId, String tokenizerId,
        String baseUrl, String endpointPath, String datasetName, RampUp rampUp, Map<String, String> metadata,
        JsonNode config) {
    public RunInfo {
        if (benchVersion == null || benchVersion.isBlank()) {
            throw new IllegalArgumentException("benchVersion is required");
        }
        metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        for (String key : metadata.keySet()) {
            if (ResultJson.isResultKey(key)) {
                throw new IllegalArgumentException("metadata key '" + key + "' is a key of the result");
            }
        }
    }
}
