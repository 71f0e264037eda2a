"""NEST's generalised integrate-and-fire models (``gif_*``): escape-noise firing with a
moving threshold and spike-triggered currents, exact or RKF45-integrated membranes."""
