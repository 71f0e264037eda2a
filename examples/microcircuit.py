"""The Potjans & Diesmann (2014) cortical microcircuit, downscaled, as a PyNEST script.

Eight populations (excitatory and inhibitory, layers 2/3, 4, 5 and 6) of
``iaf_psc_exp`` neurons with the published connection probabilities, normally
distributed weights and delays, and Poisson background input. Downscaling
follows van Albada et al. (2015) as NEST's own microcircuit example does:
neuron numbers scale by ``scale``, in-degrees by ``scale`` too, weights grow by
``1 / sqrt(scale)`` and a DC current makes up the lost mean input, so that the
firing rates stay close to the full model's.

The same code runs on NEST (``import nest``) and pynest_jax
(``import pynest_jax as nest``); ``build_network`` takes the module.

    python examples/microcircuit.py             # pynest_jax, scale 0.1, 1000 ms
    python examples/microcircuit.py --nest      # the same in NEST 3.10
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

POPULATIONS = ("L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I")
FULL_SIZES = np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948])
# Connection probability from column (source) to row (target), Potjans & Diesmann (2014), table 5.
CONN_PROBS = np.array(
    [
        [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
        [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
        [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
        [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
        [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
        [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
        [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
        [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443],
    ]
)
EXTERNAL_INDEGREE = np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100])
# Mean rates of the full-scale model (spikes/s), for the DC compensation of downscaling.
FULL_RATES = np.array([0.943, 3.026, 4.368, 5.882, 7.733, 8.664, 1.096, 7.851])
BACKGROUND_RATE = 8.0  # spikes/s per external synapse
NEURON = {
    "C_m": 250.0,
    "E_L": -65.0,
    "V_th": -50.0,
    "V_reset": -65.0,
    "tau_m": 10.0,
    "tau_syn_ex": 0.5,
    "tau_syn_in": 0.5,
    "t_ref": 2.0,
}
V0_MEAN, V0_STD = -58.0, 10.0
PSP_MEAN = 0.15  # mV, peak of an excitatory PSP
WEIGHT_REL_STD = 0.1
G = -4.0  # relative inhibitory weight
DELAY_MEAN = {"E": 1.5, "I": 0.75}
DELAY_REL_STD = 0.5
POISSON_DELAY = 1.5


def psc_per_psp() -> float:
    """PSC amplitude (pA) of a 1 mV PSP peak for an exponential current into the membrane."""
    tau_m, tau_s, c_m = NEURON["tau_m"], NEURON["tau_syn_ex"], NEURON["C_m"]
    ratio = tau_m / tau_s
    peak = (
        tau_m
        * tau_s
        / (c_m * (tau_m - tau_s))
        * (ratio ** (-tau_s / (tau_m - tau_s)) - ratio ** (-tau_m / (tau_m - tau_s)))
    )
    return 1.0 / peak


def synapse_numbers(sizes: np.ndarray) -> np.ndarray:
    """Total synapses per projection so that a pair is connected with CONN_PROBS
    (multapses allowed): log(1 - p) / log(1 - 1 / (N_pre N_post))."""
    pairs = np.outer(sizes, sizes).astype(float)
    return np.round(np.log(1.0 - CONN_PROBS) / np.log(1.0 - 1.0 / pairs)).astype(int)


def build_network(
    nest: Any, scale: float = 0.1, resolution: float = 0.1, seed: int = 55, threads: int = 1
) -> dict:
    """Create and connect the microcircuit; returns the populations and their recorders.

    ``threads`` is NEST's ``local_num_threads``, set right after the ``ResetKernel`` that
    would otherwise leave NEST on one thread (pynest_jax accepts it and runs on its JAX
    device either way).
    """
    nest.ResetKernel()
    # After the reset, which sets NEST back to one thread.
    nest.local_num_threads = threads
    nest.resolution = resolution
    nest.rng_seed = seed
    w_mean = PSP_MEAN * psc_per_psp()
    weights = np.tile([w_mean, G * w_mean], (8, 4))
    weights[0, 2] *= 2.0  # L4E -> L23E is twice as strong

    sizes = np.round(FULL_SIZES * scale).astype(int)
    full_synapses = synapse_numbers(FULL_SIZES)
    synapses = np.round(full_synapses * scale * scale).astype(int)  # N and K both scale
    # Downscaling the in-degree by `scale`: stronger weights and a DC for the lost mean input.
    indegree_full = full_synapses / FULL_SIZES[:, None]
    lost = 1.0 - np.sqrt(scale)
    dc = 0.001 * NEURON["tau_syn_ex"] * lost * (weights * indegree_full * FULL_RATES).sum(axis=1)
    dc += 0.001 * NEURON["tau_syn_ex"] * lost * w_mean * EXTERNAL_INDEGREE * BACKGROUND_RATE
    weights = weights / np.sqrt(scale)
    w_ext = w_mean / np.sqrt(scale)
    ext_indegree = np.round(EXTERNAL_INDEGREE * scale)

    pops, recorders = [], []
    for i, name in enumerate(POPULATIONS):
        pop = nest.Create("iaf_psc_exp", int(sizes[i]), params={**NEURON, "I_e": float(dc[i])})
        pop.V_m = nest.random.normal(mean=V0_MEAN, std=V0_STD)
        rec = nest.Create("spike_recorder", params={"label": f"spikes_{name}"})
        nest.Connect(pop, rec)
        pops.append(pop)
        recorders.append(rec)

    for i, target in enumerate(pops):
        for j, source in enumerate(pops):
            if synapses[i, j] <= 0:
                continue
            kind = "E" if j % 2 == 0 else "I"
            mean_w = weights[i, j]
            w = nest.random.normal(mean=mean_w, std=abs(mean_w) * WEIGHT_REL_STD)
            w = (
                nest.math.redraw(w, min=0.0, max=np.inf)
                if kind == "E"
                else nest.math.redraw(w, min=-np.inf, max=0.0)
            )
            d_mean = DELAY_MEAN[kind]
            d = nest.math.redraw(
                nest.random.normal(mean=d_mean, std=d_mean * DELAY_REL_STD), min=resolution, max=np.inf
            )
            nest.Connect(
                source,
                target,
                conn_spec={"rule": "fixed_total_number", "N": int(synapses[i, j])},
                syn_spec={"synapse_model": "static_synapse", "weight": w, "delay": d},
            )

    for i, pop in enumerate(pops):
        noise = nest.Create("poisson_generator", params={"rate": BACKGROUND_RATE * ext_indegree[i]})
        nest.Connect(noise, pop, syn_spec={"weight": w_ext, "delay": POISSON_DELAY})
    return {"populations": pops, "recorders": recorders, "sizes": sizes}


def population_rates(net: dict, counts_before: list[int], simtime: float) -> list[float]:
    """Mean rate (spikes/s) of each population since ``counts_before``."""
    return [
        (rec.n_events - before) / (simtime / 1000.0) / n
        for rec, before, n in zip(net["recorders"], counts_before, net["sizes"], strict=True)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nest", action="store_true", help="run NEST 3.10 instead of pynest_jax")
    parser.add_argument("--threads", type=int, default=1, help="NEST's local_num_threads")
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--simtime", type=float, default=1000.0)
    args = parser.parse_args()
    if args.nest:
        import nest
    else:
        import pynest_jax as nest
    t0 = time.time()
    net = build_network(nest, args.scale, threads=args.threads)
    t_build = time.time() - t0
    nest.Simulate(100.0)  # the initial transient
    before = [rec.n_events for rec in net["recorders"]]
    t0 = time.time()
    nest.Simulate(args.simtime)
    t_sim = time.time() - t0
    name = "nest" if args.nest else "pynest_jax"
    print(f"{name}: {int(sum(net['sizes']))} neurons, {nest.num_connections} synapses")
    for name, rate in zip(POPULATIONS, population_rates(net, before, args.simtime), strict=True):
        print(f"  {name:5s} {rate:6.2f} spikes/s")
    print(f"build {t_build:.2f} s, simulate {args.simtime:.0f} ms in {t_sim:.2f} s")


if __name__ == "__main__":
    main()
