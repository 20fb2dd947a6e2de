"""How a stored node or edge absorbs a new one: the order-independent rules the embedded store applies
in SQL and the Neo4j store and the ingest pipeline (PendingView) apply in Python, so every path
builds the same graph. Use: ``node, surfaces = merge_node(stored, stored_surfaces, new)``."""

from __future__ import annotations

from core.names import normalize_name
from graph.records import EdgeRecord, NodeRecord, merge_props


def merge_node(old: NodeRecord | None, surfaces: list[str], new: NodeRecord) -> tuple[NodeRecord, list[str]]:
    """(merged node, every surface form seen, one per normalized form, first kept)."""
    surfaces = list(surfaces)
    norms = {normalize_name(x) for x in surfaces}
    for alias in sorted({new.name, *new.aliases}):
        norm = normalize_name(alias)
        if alias and norm not in norms:
            surfaces.append(alias)
            norms.add(norm)
    return merge_fields(old, new), surfaces


def merge_fields(old: NodeRecord | None, new: NodeRecord) -> NodeRecord:
    """The node after `new` is merged into `old`: the longer (then smaller) name, the smaller kind, the higher
    confidence, props by merge_props; aliases left empty (merge_node keeps the surfaces)."""
    if old is None:
        return NodeRecord(new.id, new.type, new.name, new.kind, [], new.confidence, merge_props({}, new.props))
    longer = len(new.name) > len(old.name) or (len(new.name) == len(old.name) and new.name < old.name)
    name = new.name if longer else old.name
    kind = new.kind if old.kind is None or (new.kind is not None and new.kind < old.kind) else old.kind
    return NodeRecord(old.id, old.type, name, kind, [], max(old.confidence, new.confidence), merge_props(old.props, new.props))


def merge_edge(old: tuple[float, dict] | None, new: EdgeRecord) -> tuple[float, dict]:
    """(confidence, props) of an edge after merging `new` into the stored one."""
    if old is None:
        return new.confidence, merge_props({}, new.props)
    return max(old[0], new.confidence), merge_props(old[1], new.props)
