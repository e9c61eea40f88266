package bench.plot;

/**
 * Makes AWT headless. Must run before any AWT class initialises (a {@code Font}, a
 * {@code Color}): AWT decides once, and with a {@code DISPLAY} set it would otherwise try to
 * open it. This class touches no AWT class itself.
 */
public final class Headless {
    private Headless() {}

    public static void ensure() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }
}
