"""Synapse models (category E)."""
