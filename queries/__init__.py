"""Stored Cypher queries (``*.cypher`` files in this folder)."""
