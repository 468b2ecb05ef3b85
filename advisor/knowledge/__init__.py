"""The knowledge base: rule and product documents in `knowledge/`, and retrieval over them."""
