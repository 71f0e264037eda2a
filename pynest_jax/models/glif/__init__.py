"""The Allen Institute's generalized leaky integrate-and-fire models (``glif_*``), as in NEST."""
