"""Node models, one NEST model per file, grouped by integration category."""
