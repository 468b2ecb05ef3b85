"""The deterministic engine: market model, optimizer, rebalancing, backtests and projections.

Pure computation on in-memory objects: no files, no network, no language model.
"""
