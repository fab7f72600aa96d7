"""Tabulation: running totals over the territory tree, kept by adding protocol deltas."""
