"""NEST's conductance-based integrate-and-fire models, integrated with GSL's RKF45 as in NEST."""
