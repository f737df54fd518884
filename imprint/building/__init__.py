"""A build's machinery: the executor (local pool or Dask), units, snapshots,
the manifest, incremental builds, pagination of issues, watch, atomic output."""
