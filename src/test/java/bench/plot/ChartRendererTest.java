package bench.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class ChartRendererTest {
    @TempDir
    Path tmp;

    List<FigureModel> figures() {
        return Figures.article(ResultTable.of(ResultLoader.load(List.of(PlotFixtures.writeSuite(tmp.resolve("in"))))
                .records()), Stat.MEAN, "exp");
    }

    @Test
    void runsHeadless() {
        new ChartRenderer();
        assertTrue(GraphicsEnvironment.isHeadless());
    }

    @Test
    void xchartModelHasEverySeriesWithItsData() {
        ChartRenderer r = new ChartRenderer();
        for (FigureModel f : figures()) {
            List<XYChart> charts = r.charts(f);
            assertEquals(2, charts.size());
            for (int i = 0; i < 2; i++) {
                XYChart c = charts.get(i);
                FigureModel.Panel p = f.panels().get(i);
                assertEquals(p.title(), c.getTitle());
                assertEquals(p.xTitle(), c.getXAxisTitle());
                assertEquals(p.yTitle(), c.getYAxisTitle());
                Map<String, XYSeries> series = c.getSeriesMap();
                assertEquals(PlotFixtures.LABELS.stream().sorted().toList(), List.copyOf(series.keySet()));
                for (FigureModel.Series s : p.series()) {
                    XYSeries xs = series.get(s.label());
                    assertArrayEquals(s.x(), xs.getXData());
                    assertArrayEquals(s.y(), xs.getYData());
                    assertEquals(new Color(s.rgb()), xs.getLineColor());
                }
            }
        }
    }

    @Test
    void writesPngAndSvgOfSaneSize() throws Exception {
        ChartRenderer r = new ChartRenderer();
        Path out = tmp.resolve("out");
        for (FigureModel f : figures()) {
            List<Path> files = r.write(f, out, List.of(ChartRenderer.Format.PNG, ChartRenderer.Format.SVG));
            assertEquals(List.of(out.resolve(f.fileStem() + ".png"), out.resolve(f.fileStem() + ".svg")), files);
            assertTrue(Files.size(files.get(0)) > 10_000, "PNG " + Files.size(files.get(0)));
            BufferedImage img = ImageIO.read(files.get(0).toFile());
            int[] size = r.size(f);
            assertEquals(2100, img.getWidth());
            assertEquals(Math.round(size[1] * ChartRenderer.PNG_SCALE), img.getHeight());
            assertTrue(img.getHeight() > 700 && img.getHeight() < 1000, "height " + img.getHeight());
            String svg = Files.readString(files.get(1));
            assertTrue(svg.contains("<svg") && svg.contains("viewBox=\"0 0 1400 " + size[1] + "\""), svg.substring(0, 300));
            assertTrue(Files.size(files.get(1)) > 10_000);
        }
    }

    @Test
    void anEmptyPanelSaysNoData() throws Exception {
        FigureModel f = new FigureModel("empty", "t", List.of(new FigureModel.Panel("P", "x (u)", "y (u)", List.of())),
                Map.of());
        XYChart c = new ChartRenderer().charts(f).get(0);
        assertEquals("P (no data)", c.getTitle());
        new ChartRenderer().write(f, tmp, List.of(ChartRenderer.Format.PNG));
        assertTrue(Files.size(tmp.resolve("empty.png")) > 0);
    }
}
