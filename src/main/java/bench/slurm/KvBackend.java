package bench.slurm;

/** NIXL transfer backend named in {@code kv_connector_extra_config.backends}: LIBFABRIC for EFA, or UCX. */
public enum KvBackend {
    LIBFABRIC, UCX
}
