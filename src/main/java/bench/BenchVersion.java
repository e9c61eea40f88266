package bench;

/** bench's version: the jar's Implementation-Version (the Maven project version), "dev" outside the jar. */
public final class BenchVersion {
    /** The version when bench runs from classes rather than the built jar (tests, an IDE). */
    public static final String DEV = "dev";

    private BenchVersion() {}

    public static String get() {
        String v = BenchVersion.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? DEV : v;
    }
}
