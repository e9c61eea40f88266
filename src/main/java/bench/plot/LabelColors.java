package bench.plot;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * One colour per label, the same in every figure: labels sorted, then colours taken in
 * order from matplotlib's default palette (tab10), as the article's figures use. Pure.
 */
public final class LabelColors {
    /** tab10, as 0xRRGGBB. */
    public static final int[] PALETTE = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2,
        0x7f7f7f, 0xbcbd22, 0x17becf};

    private LabelColors() {}

    public static Map<String, Integer> assign(Collection<String> labels) {
        Map<String, Integer> out = new LinkedHashMap<>();
        int i = 0;
        for (String l : new TreeSet<>(labels)) {
            out.put(l, PALETTE[i % PALETTE.length]);
            i++;
        }
        return Collections.unmodifiableMap(out);
    }
}
