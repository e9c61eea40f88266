package bench.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SweepPlanTest {

    private static List<String> files(List<Point> plan) {
        return plan.stream().map(Point::relativeFile).toList();
    }

    @Test
    void defaultSuiteIsTheArticlesNinePoints() {
        List<Point> plan = SweepPlan.expand(Suites.get("prefill-decode"), 1);
        assertEquals(List.of(
                "prefill/input-len=512.json", "prefill/input-len=1024.json", "prefill/input-len=2048.json",
                "prefill/input-len=4096.json",
                "decode/output-len=256.json", "decode/output-len=512.json", "decode/output-len=1024.json",
                "decode/output-len=2048.json", "decode/output-len=4096.json"), files(plan));
        for (Point p : plan) {
            Map<Axis, String> s = p.settings();
            if (p.sweep().equals("prefill")) {
                assertEquals("256", s.get(Axis.OUTPUT_LEN));
            } else {
                assertEquals("512", s.get(Axis.INPUT_LEN));
            }
            assertEquals(2, s.size(), "every point sets both lengths");
        }
    }

    @Test
    void severalAxesFormACrossProductFirstAxisOutermost() {
        SweepDef d = new SweepDef("grid", List.of(AxisValues.parse("input-len=512,1024"),
                AxisValues.parse("max-concurrency=1,8,64")), Map.of(Axis.OUTPUT_LEN, "128"), List.of());
        List<Point> plan = SweepPlan.expand(List.of(d), 1);
        assertEquals(List.of(
                "grid/input-len=512,max-concurrency=1.json", "grid/input-len=512,max-concurrency=8.json",
                "grid/input-len=512,max-concurrency=64.json", "grid/input-len=1024,max-concurrency=1.json",
                "grid/input-len=1024,max-concurrency=8.json", "grid/input-len=1024,max-concurrency=64.json"),
                files(plan));
        assertEquals(Map.of(Axis.INPUT_LEN, "1024", Axis.MAX_CONCURRENCY, "8", Axis.OUTPUT_LEN, "128"),
                plan.get(4).settings());
    }

    @Test
    void commandLineSweepsAreNamedAfterTheirAxes() {
        SweepDef d = SweepDef.fromFlags(List.of("input-len=1,2", "output-len=3"), List.of("num-prompts=8"), null);
        assertEquals("input-len+output-len", d.name());
        assertEquals(Map.of(Axis.NUM_PROMPTS, "8"), d.fixed());
        assertEquals("mine", SweepDef.fromFlags(List.of("input-len=1"), null, "mine").name());
        BenchException twice = assertThrows(BenchException.class,
                () -> SweepDef.fromFlags(List.of("input-len=1"), List.of("output-len=1", "output-len=2"), null));
        assertEquals("--fixed output-len given twice", twice.getMessage());
    }

    @Test
    void repeatsAreInnermostAndNamedRunN() {
        SweepDef d = new SweepDef("rate", List.of(AxisValues.parse("request-rate=1,inf")), Map.of(), List.of());
        assertEquals(List.of("rate/request-rate=1.json", "rate/request-rate=1-run2.json",
                "rate/request-rate=1-run3.json", "rate/request-rate=inf.json", "rate/request-rate=inf-run2.json",
                "rate/request-rate=inf-run3.json"), files(SweepPlan.expand(List.of(d), 3)));
    }

    @Test
    void valuesAreCanonical() {
        assertEquals(List.of("512", "1024"), AxisValues.parse("input_len= 0512 , 1024").values());
        assertEquals(List.of("2.5", "4", "inf"), AxisValues.parse("request-rate=2.50,4.0,INF").values());
        assertEquals(Axis.REQUEST_RATE, AxisValues.parse("--request-rate=1").axis());
    }

    @Test
    void pointNamesParseBack() {
        Point.Parsed p = Point.parse("input-len=512,output-len=256-run2.json");
        assertEquals(Map.of(Axis.INPUT_LEN, "512", Axis.OUTPUT_LEN, "256"), p.swept());
        assertEquals(2, p.run());
        assertEquals("input-len=512,output-len=256", p.name());
        assertEquals(1, Point.parse("request-rate=inf").run());
        assertEquals(null, Point.tryParse("vllm-infqps-concurrency256-model-20260310-101010.json"));
        assertEquals(null, Point.tryParse("input-len=abc.json"));
    }

    @Test
    void planSizeIsBounded() {
        StringBuilder many = new StringBuilder("input-len=");
        for (int i = 1; i <= 200; i++) {
            many.append(i == 1 ? "" : ",").append(i);
        }
        SweepDef d = new SweepDef("big", List.of(AxisValues.parse(many.toString()),
                AxisValues.parse(many.toString().replace("input-len", "output-len"))), Map.of(), List.of());
        BenchException e = assertThrows(BenchException.class, () -> SweepPlan.expand(List.of(d), 1));
        assertTrue(e.getMessage().contains("more than 10000 points"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "depth=1,2             | unknown sweep axis 'depth'",
        "input-len             | expected AXIS=V1,V2,...",
        "input-len=            | bad input-len value ''",
        "input-len=0           | bad input-len value '0': an integer >= 1",
        "input-len=1.5         | bad input-len value '1.5'",
        "request-rate=-1       | bad request-rate value '-1': must be > 0 or inf",
        "request-rate=fast     | bad request-rate value 'fast'",
        "input-len=512,512     | sweep axis input-len lists 512 twice",
    })
    void badAxesAreOneLineErrors(String text, String message) {
        BenchException e = assertThrows(BenchException.class, () -> AxisValues.parse(text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void badDefinitionsAreRejected() {
        List<AxisValues> in = List.of(AxisValues.parse("input-len=1,2"));
        assertThrows(BenchException.class, () -> new SweepDef("../up", in, Map.of(), List.of()));
        assertThrows(BenchException.class, () -> new SweepDef("x", List.of(), Map.of(), List.of()));
        BenchException both = assertThrows(BenchException.class,
                () -> new SweepDef("x", in, Map.of(Axis.INPUT_LEN, "3"), List.of()));
        assertTrue(both.getMessage().contains("both varies and fixes input-len"), both.getMessage());
        assertThrows(BenchException.class, () -> new SweepDef("x", List.of(in.get(0), in.get(0)), Map.of(), List.of()));
        SweepDef a = new SweepDef("same", in, Map.of(), List.of());
        BenchException dup = assertThrows(BenchException.class, () -> SweepPlan.expand(List.of(a, a), 1));
        assertTrue(dup.getMessage().contains("two sweeps are named 'same'"), dup.getMessage());
        assertThrows(BenchException.class, () -> SweepPlan.expand(List.of(a), 0));
        assertThrows(BenchException.class, () -> Suites.get("nope"));
        assertThrows(BenchException.class, () -> SweepDef.parseFixed("output-len"));
    }
}
