"""NEST's own brunel_alpha_nest.py, unmodified, in NEST 3.10 and through ``python -m pynest_jax``.

    python benchmarks/brunel_example.py

Runs the example script shipped in the nest-simulator wheel twice (each in a
fresh process and a scratch directory, with a non-interactive matplotlib
backend): once with the real NEST, once with pynest_jax standing in for
``nest``. Prints both summaries and checks that the synapse counts are
identical and the excitatory and inhibitory rates agree within 5 %.
Writes benchmarks/brunel_example.json for run_all.py.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PATTERNS = {
    "synapses": r"Number of synapses:\s*(\d+)",
    "rate_ex": r"Excitatory rate\s*:\s*([\d.]+)",
    "rate_in": r"Inhibitory rate\s*:\s*([\d.]+)",
    "build_s": r"Building time\s*:\s*([\d.]+)",
    "simulate_s": r"Simulation time\s*:\s*([\d.]+)",
}


def example_script() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("nest")
    if spec is None or spec.origin is None:
        raise SystemExit("the reference NEST (pip install nest-simulator==3.10.0) is needed")
    return Path(spec.origin).parent / "doc" / "examples" / "pynest" / "brunel_alpha_nest.py"


def run(launcher: list[str], script: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "MPLBACKEND": "Agg"}
        out = subprocess.run(
            [sys.executable, *launcher, str(script)], cwd=scratch, env=env, capture_output=True, text=True
        )
    if out.returncode != 0:
        raise RuntimeError(f"{launcher or 'nest'} failed:\n{out.stdout[-2000:]}\n{out.stderr[-4000:]}")
    return {key: float(re.search(p, out.stdout).group(1)) for key, p in PATTERNS.items()}


def main() -> int:
    script = example_script()
    nest = run([], script)
    ours = run(["-m", "pynest_jax"], script)
    print(f"{'':12}{'NEST 3.10':>14}{'pynest_jax':>14}")
    for key in PATTERNS:
        print(f"{key:12}{nest[key]:>14.2f}{ours[key]:>14.2f}")
    ok = ours["synapses"] == nest["synapses"] == 15637600
    for key in ("rate_ex", "rate_in"):
        ok &= abs(ours[key] - nest[key]) <= 0.05 * nest[key]
    print("synapse count identical and rates within 5 %:", "yes" if ok else "NO")
    (HERE / "brunel_example.json").write_text(json.dumps({"nest": nest, "pynest_jax": ours, "ok": bool(ok)}))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
