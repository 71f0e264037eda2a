"""The adaptive exponential integrate-and-fire (AdEx) family, integrated with GSL's RKF45 as in NEST."""
