package bench.plot;

import bench.BenchException;
import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws a {@link FigureModel} with XChart, headless: the title on top, the panels side by
 * side, one legend for all panels underneath (so it never covers data). PNG through a
 * {@link BufferedImage}, SVG through VectorGraphics2D (XChart's vector backend), from the same
 * drawing code.
 */
public final class ChartRenderer {
    public static final int PANEL_WIDTH = 700;
    public static final int PANEL_HEIGHT = 460;
    static final int TITLE_HEIGHT = 52;
    static final int LEGEND_ROW = 26;
    static final int LEGEND_PAD = 14;
    /** PNG pixels per drawing unit: a two-panel figure is 2100 pixels wide, as the article's. */
    public static final double PNG_SCALE = 1.5;

    // instance fields, not static: AWT classes must not initialise before Headless.ensure()
    private final Font titleFont;
    private final Font panelTitleFont;
    private final Font axisTitleFont;
    private final Font tickFont;
    private final Font legendFont;

    /** The output formats. */
    public enum Format { PNG, SVG }

    public ChartRenderer() {
        Headless.ensure();
        titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 22);
        panelTitleFont = new Font(Font.SANS_SERIF, Font.BOLD, 17);
        axisTitleFont = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
        tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        legendFont = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    }

    /** The XChart charts of a figure's panels, styled, one per panel. */
    public List<XYChart> charts(FigureModel f) {
        List<XYChart> out = new ArrayList<>();
        for (FigureModel.Panel p : f.panels()) {
            XYChart c = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(p.title())
                    .xAxisTitle(p.xTitle()).yAxisTitle(p.yTitle()).build();
            XYStyler st = c.getStyler();
            st.setLegendVisible(false);
            st.setChartBackgroundColor(Color.WHITE);
            st.setPlotBackgroundColor(Color.WHITE);
            st.setPlotBorderColor(new Color(0x444444));
            st.setPlotGridLinesColor(new Color(0xe3e3e3));
            st.setChartTitleBoxVisible(false);
            st.setChartTitleFont(panelTitleFont);
            st.setAxisTitleFont(axisTitleFont);
            st.setAxisTickLabelsFont(tickFont);
            st.setChartFontColor(new Color(0x222222));
            st.setAxisTickLabelsColor(new Color(0x333333));
            st.setMarkerSize(9);
            st.setChartPadding(14);
            st.setPlotMargin(8);
            st.setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Line);
            st.setXAxisDecimalPattern(pattern(p, true));
            st.setYAxisDecimalPattern(pattern(p, false));
            st.setAntiAlias(true);
            if (p.series().isEmpty()) {
                // XChart needs a series to lay out axes: an invisible one, so the panel says "no data"
                XYSeries s = c.addSeries(" ", new double[] {0, 1}, new double[] {0, 1});
                s.setLineColor(new Color(0, 0, 0, 0));
                s.setMarkerColor(new Color(0, 0, 0, 0));
                s.setMarker(SeriesMarkers.NONE);
                c.setTitle(p.title() + " (no data)");
            }
            for (FigureModel.Series s : p.series()) {
                XYSeries xs = c.addSeries(s.label(), s.x(), s.y());
                Color color = new Color(s.rgb());
                xs.setLineColor(color);
                xs.setMarkerColor(color);
                xs.setMarker(SeriesMarkers.CIRCLE);
                xs.setLineWidth(2.4f);
            }
            out.add(c);
        }
        return out;
    }

    /** Width and height of a figure in drawing units. */
    public int[] size(FigureModel f) {
        int w = PANEL_WIDTH * f.panels().size();
        return new int[] {w, TITLE_HEIGHT + PANEL_HEIGHT + legendHeight(f, w)};
    }

    /** Writes {@code <fileStem>.png} and/or {@code .svg} into {@code dir}; returns the files. */
    public List<Path> write(FigureModel f, Path dir, List<Format> formats) {
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (Format fmt : formats) {
                Path file = dir.resolve(f.fileStem() + "." + fmt.name().toLowerCase(java.util.Locale.ROOT));
                try (OutputStream os = Files.newOutputStream(file)) {
                    if (fmt == Format.PNG) {
                        writePng(f, os);
                    } else {
                        writeSvg(f, os);
                    }
                }
                files.add(file);
            }
        } catch (IOException e) {
            throw new BenchException("cannot write figure " + f.fileStem() + " in " + dir + ": " + e.getMessage(), e);
        }
        return files;
    }

    public void writePng(FigureModel f, OutputStream os) throws IOException {
        int[] wh = size(f);
        BufferedImage img = new BufferedImage((int) Math.round(wh[0] * PNG_SCALE), (int) Math.round(wh[1] * PNG_SCALE),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.scale(PNG_SCALE, PNG_SCALE);
            paint(g, f, wh[0], wh[1]);
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(img, "png", os)) {
            throw new IOException("no PNG writer");
        }
    }

    public void writeSvg(FigureModel f, OutputStream os) throws IOException {
        int[] wh = size(f);
        VectorGraphics2D g = new VectorGraphics2D();
        paint(g, f, wh[0], wh[1]);
        new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, wh[0], wh[1])).writeTo(os);
    }

    private void paint(Graphics2D g, FigureModel f, int w, int h) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(0x111111));
        g.setFont(titleFont);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(f.title(), (w - fm.stringWidth(f.title())) / 2f, TITLE_HEIGHT - 14f);
        List<XYChart> charts = charts(f);
        for (int i = 0; i < charts.size(); i++) {
            Graphics2D pg = (Graphics2D) g.create(i * PANEL_WIDTH, TITLE_HEIGHT, PANEL_WIDTH, PANEL_HEIGHT);
            try {
                charts.get(i).paint(pg, PANEL_WIDTH, PANEL_HEIGHT);
            } finally {
                pg.dispose();
            }
        }
        paintLegend(g, f, w, TITLE_HEIGHT + PANEL_HEIGHT);
    }

    /** Legend rows: each entry is a line with a marker, then the label; wrapped to the width. */
    private List<List<String>> legendRows(FigureModel f, int w, FontMetrics fm) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        int x = 0;
        for (String label : f.legend().keySet()) {
            int ew = entryWidth(label, fm);
            if (!row.isEmpty() && x + ew > w - 2 * LEGEND_PAD) {
                rows.add(row);
                row = new ArrayList<>();
                x = 0;
            }
            row.add(label);
            x += ew;
        }
        if (!row.isEmpty()) {
            rows.add(row);
        }
        return rows;
    }

    private static int entryWidth(String label, FontMetrics fm) {
        return 34 + fm.stringWidth(label) + 26;
    }

    private int legendHeight(FigureModel f, int w) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = probe.createGraphics();
        try {
            g.setFont(legendFont);
            return legendRows(f, w, g.getFontMetrics()).size() * LEGEND_ROW + 2 * LEGEND_PAD;
        } finally {
            g.dispose();
        }
    }

    private void paintLegend(Graphics2D g, FigureModel f, int w, int top) {
        g.setFont(legendFont);
        FontMetrics fm = g.getFontMetrics();
        List<List<String>> rows = legendRows(f, w, fm);
        Map<String, Integer> colors = f.legend();
        int y = top + LEGEND_PAD;
        for (List<String> row : rows) {
            int rowWidth = row.stream().mapToInt(l -> entryWidth(l, fm)).sum() - 26;
            float x = (w - rowWidth) / 2f;
            float mid = y + LEGEND_ROW / 2f;
            for (String label : row) {
                Color c = new Color(colors.get(label));
                g.setColor(c);
                g.setStroke(new BasicStroke(2.4f));
                g.draw(new Line2D.Float(x, mid, x + 28, mid));
                g.fill(new Ellipse2D.Float(x + 14 - 4.5f, mid - 4.5f, 9, 9));
                g.setColor(new Color(0x222222));
                g.drawString(label, x + 34, mid + fm.getAscent() / 2f - 2);
                x += entryWidth(label, fm);
            }
            y += LEGEND_ROW;
        }
    }

    /** Tick label pattern: no decimals for large values, a few for small ones. */
    private static String pattern(FigureModel.Panel p, boolean x) {
        double max = p.series().stream().flatMapToDouble(s -> Arrays.stream(x ? s.x() : s.y()))
                .map(Math::abs).max().orElse(1);
        if (max >= 100) {
            return "#,##0";
        }
        if (max >= 1) {
            return "#,##0.##";
        }
        return "0.###";
    }

}
