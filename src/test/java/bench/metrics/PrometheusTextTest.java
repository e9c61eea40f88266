package bench.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    static final String BEFORE = """
            # HELP vllm:prompt_tokens_total Number of prefill tokens processed.
            # TYPE vllm:prompt_tokens_total counter
            vllm:prompt_tokens_total{model_name="m"} 100.0
            vllm:generation_tokens_total{model_name="m"} 50
            vllm:num_requests_running{model_name="m"} 3
            vllm:time_to_first_token_seconds_bucket{le="0.1",model_name="m"} 4
            vllm:time_to_first_token_seconds_bucket{le="+Inf",model_name="m"} 5
            vllm:time_to_first_token_seconds_sum{model_name="m"} 0.45
            vllm:time_to_first_token_seconds_count{model_name="m"} 5
            weird{label="a b}c"} 7 1700000000000
            broken line without value
            """;
    static final String AFTER = """
            vllm:prompt_tokens_total{model_name="m"} 1124.0
            vllm:generation_tokens_total{model_name="m"} 562
            vllm:num_requests_running{model_name="m"} 0
            vllm:time_to_first_token_seconds_bucket{le="0.1",model_name="m"} 9
            vllm:time_to_first_token_seconds_bucket{le="+Inf",model_name="m"} 13
            vllm:time_to_first_token_seconds_sum{model_name="m"} 1.25
            vllm:time_to_first_token_seconds_count{model_name="m"} 13
            new_total 2
            """;

    @Test
    void parsesSeriesWithLabelsAndSkipsTheRest() {
        Map<String, Double> m = PrometheusText.parse(BEFORE);
        assertEquals(100.0, m.get("vllm:prompt_tokens_total{model_name=\"m\"}"));
        assertEquals(5.0, m.get("vllm:time_to_first_token_seconds_bucket{le=\"+Inf\",model_name=\"m\"}"));
        assertEquals(7.0, m.get("weird{label=\"a b}c\"}"));
        assertFalse(m.containsKey("broken"));
        assertEquals(8, m.size());
    }

    @Test
    void deltasAreAfterMinusBefore() {
        Map<String, Double> d = PrometheusText.delta(PrometheusText.parse(BEFORE), PrometheusText.parse(AFTER));
        assertEquals(1024.0, d.get("vllm:prompt_tokens_total{model_name=\"m\"}"));
        assertEquals(512.0, d.get("vllm:generation_tokens_total{model_name=\"m\"}"));
        assertEquals(-3.0, d.get("vllm:num_requests_running{model_name=\"m\"}"));
        assertEquals(8.0, d.get("vllm:time_to_first_token_seconds_count{model_name=\"m\"}"));
        assertEquals(0.8, d.get("vllm:time_to_first_token_seconds_sum{model_name=\"m\"}"), 1e-12);
        assertEquals(2.0, d.get("new_total"));
        assertFalse(d.containsKey("weird{label=\"a b}c\"}"));
    }
}
