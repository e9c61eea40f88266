package bench.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelColorsTest {
    @Test
    void sortedLabelsTakeThePaletteInOrderWhateverTheInputOrder() {
        Map<String, Integer> a = LabelColors.assign(List.of("route4", "dp", "pd_1p3d"));
        Map<String, Integer> b = LabelColors.assign(List.of("pd_1p3d", "route4", "dp", "dp"));
        assertEquals(a, b);
        assertEquals(List.of("dp", "pd_1p3d", "route4"), List.copyOf(a.keySet()));
        assertEquals(0x1f77b4, a.get("dp"));
        assertEquals(0xff7f0e, a.get("pd_1p3d"));
        assertEquals(0x2ca02c, a.get("route4"));
    }

    @Test
    void morelabelsThanColoursWrapAround() {
        List<String> labels = List.of("l00", "l01", "l02", "l03", "l04", "l05", "l06", "l07", "l08", "l09", "l10");
        assertEquals(LabelColors.PALETTE[0], LabelColors.assign(labels).get("l10"));
    }
}
