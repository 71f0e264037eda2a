"""Run a PyNEST script on pynest_jax: ``python -m pynest_jax SCRIPT [ARGS]``.

The script's ``import nest`` (and ``import nest.raster_plot``, ``from nest
import ...``, ``from nest.lib.hl_api_types import ...``) resolves to
pynest_jax. ``sys.argv`` and ``sys.path[0]`` are set as ``python SCRIPT ARGS``
would set them. ``-m MODULE [ARGS]`` and ``-c CODE [ARGS]`` work as for
``python``.
"""

from __future__ import annotations

import os
import runpy
import sys

from .alias import install_nest_alias

_USAGE = """\
usage: python -m pynest_jax SCRIPT [ARGS ...]
       python -m pynest_jax -m MODULE [ARGS ...]
       python -m pynest_jax -c CODE [ARGS ...]

Runs a PyNEST script with 'import nest' resolving to pynest_jax.
"""


def main(argv: list[str] | None = None) -> int:
    """Run the script (or module or code) named in ``argv``; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(_USAGE, end="", file=sys.stdout if args else sys.stderr)
        return 0 if args else 2
    install_nest_alias()
    if args[0] == "-m":
        if len(args) < 2:
            print("Argument expected for the -m option", file=sys.stderr)
            return 2
        sys.argv = [args[1], *args[2:]]  # runpy puts the module's file name in argv[0]
        sys.path[0] = os.getcwd()
        runpy.run_module(args[1], run_name="__main__", alter_sys=True)
        return 0
    if args[0] == "-c":
        if len(args) < 2:
            print("Argument expected for the -c option", file=sys.stderr)
            return 2
        sys.argv = ["-c", *args[2:]]
        sys.path[0] = ""
        namespace = {"__name__": "__main__", "__builtins__": __builtins__}
        exec(compile(args[1], "<string>", "exec"), namespace)
        return 0
    script = args[0]
    if not os.path.exists(script):
        print(f"python -m pynest_jax: can't open file '{script}': No such file or directory", file=sys.stderr)
        return 2
    sys.argv = [script, *args[1:]]
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main())
