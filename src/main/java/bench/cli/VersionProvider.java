package bench.cli;

import bench.BenchVersion;
import picocli.CommandLine.IVersionProvider;

/** {@code bench --version}: the jar's implementation version. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"bench " + BenchVersion.get()};
    }
}
