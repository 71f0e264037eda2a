"""A balanced random network with STDP on its excitatory-excitatory connections
(in the style of NEST's hpc_benchmark).

80 % excitatory and 20 % inhibitory ``iaf_psc_alpha`` neurons, fixed in-degree
of 10 % of each population, Poisson drive; E->E connections are
``stdp_synapse`` (multiplicative, Guetig et al. 2003), all others static. The
same code runs on NEST (``import nest``) and pynest_jax (``import
pynest_jax as nest``).

    python examples/stdp_network.py            # pynest_jax, 10,000 neurons, 1000 ms
    python examples/stdp_network.py --nest     # the same in NEST 3.10
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

NEURON = {"C_m": 250.0, "tau_m": 10.0, "t_ref": 2.0, "V_th": -55.0, "V_reset": -70.0, "E_L": -70.0}
J_EX = 40.0  # pA
G = 5.0  # relative strength of inhibition
DELAY = 1.5  # ms
INDEGREE_FRACTION = 0.1
NOISE_RATE = 2_200.0  # spikes/s of each neuron's Poisson drive
STDP = {"tau_plus": 20.0, "lambda": 0.01, "alpha": 1.0, "mu_plus": 1.0, "mu_minus": 1.0, "Wmax": 2.0 * J_EX}


def build_network(
    nest: Any, n: int = 10_000, resolution: float = 0.1, seed: int = 21, threads: int = 1
) -> dict:
    """Create and connect the network; returns the populations, a spike recorder of all
    neurons and the E->E connections.

    ``threads`` is NEST's ``local_num_threads``, set right after the ``ResetKernel`` that
    would otherwise leave NEST on one thread (pynest_jax accepts it and runs on its JAX
    device either way).
    """
    nest.ResetKernel()
    # After the reset, which sets NEST back to one thread.
    nest.local_num_threads = threads
    nest.resolution = resolution
    nest.rng_seed = seed
    n_ex = int(0.8 * n)
    ex = nest.Create("iaf_psc_alpha", n_ex, params=NEURON)
    inh = nest.Create("iaf_psc_alpha", n - n_ex, params=NEURON)
    neurons = ex + inh
    neurons.V_m = nest.random.uniform(min=-70.0, max=-56.0)
    noise = nest.Create("poisson_generator", params={"rate": NOISE_RATE})
    recorder = nest.Create("spike_recorder")
    nest.Connect(noise, neurons, syn_spec={"weight": J_EX, "delay": DELAY})
    k_ex, k_in = int(INDEGREE_FRACTION * n_ex), int(INDEGREE_FRACTION * (n - n_ex))
    plastic = {"synapse_model": "stdp_synapse", "weight": J_EX, "delay": DELAY, **STDP}
    nest.Connect(ex, ex, {"rule": "fixed_indegree", "indegree": k_ex}, plastic)
    nest.Connect(ex, inh, {"rule": "fixed_indegree", "indegree": k_ex}, {"weight": J_EX, "delay": DELAY})
    nest.Connect(
        inh, neurons, {"rule": "fixed_indegree", "indegree": k_in}, {"weight": -G * J_EX, "delay": DELAY}
    )
    nest.Connect(neurons, recorder)
    return {"neurons": neurons, "ex": ex, "recorder": recorder, "n": n}


def plastic_weights(nest: Any, net: dict) -> np.ndarray:
    """The weights of all E->E (plastic) connections."""
    # The E->E connections are the only stdp_synapse ones. They are read in batches of
    # sources: NEST's get() of all 6.4 million at once needs more than 24 GB. (NEST refuses
    # a slice that ends past the collection, hence the min.)
    ex, batch = net["ex"], 500
    parts = [
        nest.GetConnections(ex[i : min(i + batch, len(ex))], synapse_model="stdp_synapse").get("weight")
        for i in range(0, len(ex), batch)
    ]
    return np.concatenate([np.asarray(p, dtype=float).reshape(-1) for p in parts])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nest", action="store_true", help="run NEST 3.10 instead of pynest_jax")
    parser.add_argument("--threads", type=int, default=1, help="NEST's local_num_threads")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--simtime", type=float, default=1000.0)
    args = parser.parse_args()
    if args.nest:
        import nest
    else:
        import pynest_jax as nest
    t0 = time.time()
    net = build_network(nest, args.n, threads=args.threads)
    t_build = time.time() - t0
    t0 = time.time()
    nest.Simulate(args.simtime)
    t_sim = time.time() - t0
    rate = net["recorder"].n_events / (args.simtime / 1000.0) / net["n"]
    w = plastic_weights(nest, net)
    name = "nest" if args.nest else "pynest_jax"
    print(f"{name}: {net['n']} neurons, {nest.num_connections} synapses ({len(w)} plastic)")
    print(f"mean rate {rate:.2f} spikes/s; plastic weights {w.mean():.3f} +- {w.std():.3f} pA")
    print(f"build {t_build:.2f} s, simulate {args.simtime:.0f} ms in {t_sim:.2f} s")


if __name__ == "__main__":
    main()
