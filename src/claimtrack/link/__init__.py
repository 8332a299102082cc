"""Across articles: near-duplicate stories and claim threads."""
