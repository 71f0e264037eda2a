"""``nest.visualization``: a drawing of a network's connections, with pydot (as NEST)."""

from __future__ import annotations

import pydot

from .api import GetConnections
from .nodecollection import NodeCollection

__all__ = ["plot_network"]


def plot_network(
    nodes: NodeCollection, filename: str, ext_conns: bool = False, plot_modelnames: bool = False
) -> None:
    """Draw the connections that leave ``nodes`` into a .pdf or .png file. As in NEST
    3.10, ``ext_conns`` and ``plot_modelnames`` are not implemented."""
    if not isinstance(nodes, NodeCollection):
        raise TypeError("nodes must be a 'NodeCollection'.")
    if len(nodes) == 0:
        raise ValueError("nodes must at least contain one node.")
    if ext_conns:
        raise NotImplementedError("ext_conns")
    if plot_modelnames:
        raise NotImplementedError("plot_modelnames")
    filetype = filename.rsplit(".", 1)[-1]
    if filetype not in ("pdf", "png"):
        raise ValueError("Filename must end in '.png' or '.pdf'.")
    conns = GetConnections(nodes)
    graph = pydot.Dot(rankdir="LR", ranksep="5")
    for source, target in zip(conns.sources(), conns.targets(), strict=True):
        graph.add_edge(pydot.Edge(str(source), str(target)))
    getattr(graph, f"write_{filetype}")(filename)
