"""Category B: multi-timescale adaptive threshold neurons (MAT), integrated exactly."""
