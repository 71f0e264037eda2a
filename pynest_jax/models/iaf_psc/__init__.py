"""Category B: integrate-and-fire neurons with current-based synapses, integrated exactly."""
