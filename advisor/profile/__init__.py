"""Investor understanding: who the investor is, what they need, what they can bear and how they
feel, inferred from a conversation in English or Chinese, every field with its evidence."""
