package bench.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import bench.BenchException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StatTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "mean,mean,MEAN,-1,Mean",
        "MEDIAN,median,PERCENTILE,50,Median",
        "p50,median,PERCENTILE,50,Median",
        "std,std,STD,-1,Std",
        "min,min,MIN,-1,Min",
        "max,max,MAX,-1,Max",
        "p90,p90,PERCENTILE,90,P90",
        "p95,p95,PERCENTILE,95,P95",
        "p99.9,p99.9,PERCENTILE,99.9,P99.9",
        "P99.90,p99.9,PERCENTILE,99.9,P99.9",
        "p99.99,p99.99,PERCENTILE,99.99,P99.99",
        "p100,p100,PERCENTILE,100,P100",
        "p0.5,p0.5,PERCENTILE,0.5,P0.5"})
    void namesAndTheResultKeysTheyRead(String name, String key, Stat.Kind kind, double percentile, String title) {
        Stat s = Stat.parse(name);
        assertEquals(key, s.key());
        assertEquals(kind, s.kind());
        assertEquals(percentile, s.percentile());
        assertEquals(title, s.title());
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @ValueSource(strings = {"p0", "p101", "p", "p9x", "p-5", "p99.", "avg", "", "99"})
    void anythingElseIsRefusedWithOneLine(String name) {
        assertNull(Stat.tryParse(name));
        BenchException e = assertThrows(BenchException.class, () -> Stat.parse(name));
        assertEquals("bad --stat '" + name + "': mean, median, std, min, max or a percentile pNN or pNN.N (e.g. p95,"
                + " p99.9)", e.getMessage());
    }
}
