"""Readers and writers for exchange formats (TMX, SRX, ...)."""
