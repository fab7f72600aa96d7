"""Saylau: the electoral law of Kazakhstan as data, and the engine that applies it."""

__version__ = "0.1.0"
