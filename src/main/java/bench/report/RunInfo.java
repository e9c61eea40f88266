package bench.report;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What was run, for the result file: names and the full configuration.
 *
 * @param backend      {@code openai} or {@code openai-chat}, as vLLM names endpoint types
 * @param config       every option of the run, as JSON (secrets removed)
 */
public record RunInfo(String backend, String label, String modelId, String tokenizerId, String baseUrl,
        String endpointPath, String datasetName, JsonNode config) {}
