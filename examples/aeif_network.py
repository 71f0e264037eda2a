"""A random network of adaptive exponential (AdEx) neurons with alpha conductances.

80 % excitatory and 20 % inhibitory ``aeif_cond_alpha`` neurons, each with a
fixed in-degree of 10 % of either population, driven by independent Poisson
input. Every neuron is integrated by NEST's adaptive RKF45 (in pynest_jax by
its vectorised reproduction). The same code runs on NEST (``import nest``)
and pynest_jax (``import pynest_jax as nest``).

    python examples/aeif_network.py            # pynest_jax, 10,000 neurons, 1000 ms
    python examples/aeif_network.py --nest     # the same in NEST 3.10
"""

from __future__ import annotations

import argparse
import time
from typing import Any

NEURON = {"a": 2.0, "b": 40.0, "tau_w": 150.0, "t_ref": 2.0, "tau_syn_ex": 0.5, "tau_syn_in": 2.0}
W_EX = 1.0  # nS
W_IN = -5.0  # nS (the sign routes it to the inhibitory conductance)
DELAY = 1.5  # ms
INDEGREE_FRACTION = 0.1
NOISE_RATE = 5600.0  # spikes/s of each neuron's Poisson input
NOISE_WEIGHT = 1.6  # nS


def build_network(
    nest: Any, n: int = 10_000, resolution: float = 0.1, seed: int = 12, threads: int = 1
) -> dict:
    """Create and connect the network; returns the populations and a spike recorder of all neurons.

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
    n_in = n - n_ex
    ex = nest.Create("aeif_cond_alpha", n_ex, params=NEURON)
    inh = nest.Create("aeif_cond_alpha", n_in, params=NEURON)
    neurons = ex + inh
    neurons.V_m = nest.random.uniform(min=-70.0, max=-55.0)
    noise = nest.Create("poisson_generator", params={"rate": NOISE_RATE})
    recorder = nest.Create("spike_recorder")
    nest.Connect(noise, neurons, syn_spec={"weight": NOISE_WEIGHT, "delay": DELAY})
    for pop, weight in ((ex, W_EX), (inh, W_IN)):
        nest.Connect(
            pop,
            neurons,
            conn_spec={"rule": "fixed_indegree", "indegree": int(INDEGREE_FRACTION * len(pop))},
            syn_spec={"weight": weight, "delay": DELAY},
        )
    nest.Connect(neurons, recorder)
    return {"neurons": neurons, "recorder": recorder, "n": n}


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
    name = "nest" if args.nest else "pynest_jax"
    print(f"{name}: {net['n']} aeif_cond_alpha neurons, {nest.num_connections} synapses")
    print(f"mean rate {rate:.2f} spikes/s; build {t_build:.2f} s")
    print(f"simulate {args.simtime:.0f} ms in {t_sim:.2f} s")


if __name__ == "__main__":
    main()
