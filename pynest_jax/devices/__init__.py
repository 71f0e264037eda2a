"""Devices: stimulators (generators) and recorders, which are nodes as in NEST."""
