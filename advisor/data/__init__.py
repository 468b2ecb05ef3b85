"""Data files the engine reads: catalogue, assumptions, policy and the real monthly history."""
