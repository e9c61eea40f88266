package bench.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code bench --version}: the jar's implementation version. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"bench " + (v == null ? "dev" : v)};
    }
}
