package bench.plot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A figure to draw: a title, panels side by side, and one legend for all panels. What the
 * renderer gets; built by {@link Figures}, pure.
 *
 * @param fileStem file name without extension, e.g. {@code ttft}
 * @param legend   label to colour (0xRRGGBB), in legend order
 */
public record FigureModel(String fileStem, String title, List<Panel> panels, Map<String, Integer> legend) {
    public FigureModel {
        Objects.requireNonNull(fileStem, "fileStem");
        Objects.requireNonNull(title, "title");
        panels = List.copyOf(panels);
        if (panels.isEmpty()) {
            throw new IllegalArgumentException("a figure has at least one panel");
        }
        legend = Collections.unmodifiableMap(new LinkedHashMap<>(legend));
    }

    /** One chart: axis titles with units, one series per label. */
    public record Panel(String title, String xTitle, String yTitle, List<Series> series) {
        public Panel {
            Objects.requireNonNull(title, "title");
            Objects.requireNonNull(xTitle, "xTitle");
            Objects.requireNonNull(yTitle, "yTitle");
            series = List.copyOf(series);
        }

        public Series series(String label) {
            return series.stream().filter(s -> s.label().equals(label)).findFirst().orElse(null);
        }
    }

    /** One line: points in drawing order. */
    public record Series(String label, int rgb, double[] x, double[] y) {
        public Series {
            Objects.requireNonNull(label, "label");
            if (x.length != y.length) {
                throw new IllegalArgumentException("x and y differ in length");
            }
            x = x.clone();
            y = y.clone();
        }

        @Override
        public double[] x() {
            return x.clone();
        }

        @Override
        public double[] y() {
            return y.clone();
        }
    }
}
