package bench.slurm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import bench.BenchException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostlistTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "node1                      | node1",
        "a,b                        | a b",
        "' a , b '                  | a b",
        "node[1-4]                  | node1 node2 node3 node4",
        "node[1-4,7]                | node1 node2 node3 node4 node7",
        "node[7,1-2]                | node7 node1 node2",
        "node[3]                    | node3",
        "gpu[001-004]               | gpu001 gpu002 gpu003 gpu004",
        "gpu[08-11]                 | gpu08 gpu09 gpu10 gpu11",
        "gpu[098-101]               | gpu098 gpu099 gpu100 gpu101",
        "node[9-11]                 | node9 node10 node11",
        "node[0-1]                  | node0 node1",
        "rack[1-2]-node[1-2]        | rack1-node1 rack1-node2 rack2-node1 rack2-node2",
        "rack[a]                    | ",
        "[1-2]x                     | 1x 2x",
        "node[1-2],login,gpu[1,3]   | node1 node2 login gpu1 gpu3",
        "node[1-2],node[5-6]-ib     | node1 node2 node5-ib node6-ib",
        "ip-10-0-1-[17-18]          | ip-10-0-1-17 ip-10-0-1-18",
        "n.example.com,m.example.com | n.example.com m.example.com",
        "node[1-2],node1            | node1 node2 node1",
    })
    void expands(String expr, String expected) {
        if (expected == null) {
            assertThrows(BenchException.class, () -> Hostlist.expand(expr));
            return;
        }
        assertEquals(List.of(expected.split(" ")), Hostlist.expand(expr));
    }

    @Test
    void emptyOrMissingIsNoHosts() {
        assertEquals(List.of(), Hostlist.expand(null));
        assertEquals(List.of(), Hostlist.expand(""));
        assertEquals(List.of(), Hostlist.expand("  "));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "node[1-4                | '[' without ']'",
        "node1-4]                | ']' without '['",
        "node[[1-2]]             | nested '['",
        "node[]                  | empty brackets",
        "node[4-1]               | range 4-1 runs backwards",
        "node[1-]                | '' is not a number",
        "node[-3]                | '' is not a number",
        "node[1,,2]              | '' is not a number",
        "node[x-2]               | 'x' is not a number",
        "node[1-2-3]             | '2-3' is not a number",
        "a,,b                    | empty host name",
        "'a,'                    | empty host name",
        "'node 1'                | character ' ' in host name 'node 1'",
        "'n$(id)'                | character '$' in host name",
        "node[1-100000]          | more than 65536 hosts",
        "node[1-300]x[1-300]     | more than 65536 hosts",
        "node[1234567890]        | '1234567890' is not a number",
    })
    void refusesMalformedExpressionsWithOneLine(String expr, String message) {
        BenchException e = assertThrows(BenchException.class, () -> Hostlist.expand(expr));
        assertTrue(e.getMessage().startsWith("bad hostlist '" + expr.strip() + "': "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void largeRangesKeepTheirOrderAndPadding() {
        List<String> hosts = Hostlist.expand("gpu[0001-1000]");
        assertEquals(1000, hosts.size());
        assertEquals("gpu0001", hosts.get(0));
        assertEquals("gpu0999", hosts.get(998));
        assertEquals("gpu1000", hosts.get(999));
    }
}
