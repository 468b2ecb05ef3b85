"""Batch jobs over the whole database: the nightly rebalancing run (`advisor.jobs.rebalance`), its
drift screen (`advisor.jobs.planning`) and the backends that spread it over workers
(`advisor.jobs.backends`)."""
