"""The import graph of `pipeline` (grimp reads every `import`, inside functions too): no cycle
between its modules, and the folders' graph printed (`pytest -s tests/test_imports.py`; it goes
into docs/architecture.md).

Two levels are checked: modules (a module that imports, through others, a module that imports it)
and folders (`pipeline.emit` imports `pipeline.layout`, which imports `pipeline.emit`: each folder
or top-level module of `pipeline` taken as one unit). A cycle named in an allowlist below is
reported, not failed; an allowlist entry that no longer happens fails, so each list only shrinks.
"""
from __future__ import annotations

from collections import defaultdict

import pytest

grimp = pytest.importorskip("grimp", reason="grimp is in the test extra: make setup")

# Cycles between modules of pipeline/emit/ allowed while it was split into emit/epub and emit/pdf (issue 21):
# each entry the sorted modules of one cycle. Empty since that merge: keep it so.
EMIT_MODULE_CYCLES: list[tuple[str, ...]] = []

# Cycles between folders (each entry the sorted units of one strongly connected group) known today,
# each to go with the change named beside it. Not one of them is a cycle between modules.
FOLDER_CYCLES: dict[tuple[str, ...], str] = {}  # none: the colour code and the page geometry are leaves


def _graph():
    return grimp.build_graph("pipeline", cache_dir=None)  # no cache: a stale one would hide an import


def strongly_connected(edges: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """Each group of more than one node that reach each other (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1:
                        groups.append(tuple(sorted(group)))
    return sorted(groups)


def one_cycle(edges: dict[str, set[str]], group: tuple[str, ...]) -> list[str]:
    """A shortest way round from the group's first member back to it, e.g. [a, b, a]."""
    members, start = set(group), group[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(edges.get(node, ())):
            if child == start:
                return paths[node] + [start]
            if child in members and child not in paths:
                paths[child] = paths[node] + [child]
                queue.append(child)
    return list(group)


def describe(graph, edges, group, folders: bool = False) -> str:
    """The cycle, each step with an importing line (for folders: the first such line of the folder)."""
    way = one_cycle(edges, group)
    lines = []
    for a, b in zip(way, way[1:]):
        found = ""
        for importer in sorted(m for m in graph.modules if (unit(m) if folders else m) == a):
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if (unit(imported) if folders else imported) == b:
                    detail = graph.get_import_details(importer=importer, imported=imported)[:1]
                    if detail:
                        found = f"  ({importer} line {detail[0]['line_number']}: {detail[0]['line_contents']})"
                        break
            if found:
                break
        lines.append(f"  {a} -> {b}{found}")
    return "\n".join(lines)


def module_edges(graph) -> dict[str, set[str]]:
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def unit(module: str) -> str:
    """The folder (or top-level module) of `pipeline` a module belongs to."""
    return ".".join(module.split(".")[:2])


def folder_edges(graph) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for module, imported in module_edges(graph).items():
        edges[unit(module)]
        for other in imported:
            if unit(other) != unit(module):
                edges[unit(module)].add(unit(other))
    return dict(edges)


def test_cycle_finder_finds_a_cycle_and_its_way_round():
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e2"}, "e2": {"e"}}
    assert strongly_connected(edges) == [("a", "b", "c"), ("e", "e2")]
    assert one_cycle(edges, ("a", "b", "c")) == ["a", "b", "c", "a"]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_cycle_between_modules():
    graph = _graph()
    edges = module_edges(graph)
    cycles = strongly_connected(edges)
    allowed = [c for c in cycles if c in EMIT_MODULE_CYCLES]
    for group in allowed:
        print(f"allowed while emit/ is split (EMIT_MODULE_CYCLES):\n{describe(graph, edges, group)}")
    found = [c for c in cycles if c not in EMIT_MODULE_CYCLES]
    assert not found, "import cycles between pipeline's modules:\n" + \
        "\n".join(describe(graph, edges, c) for c in found)
    gone = [c for c in EMIT_MODULE_CYCLES if c not in cycles]
    assert not gone, f"no longer a cycle, take it out of EMIT_MODULE_CYCLES: {gone}"


def test_no_cycle_between_folders():
    graph = _graph()
    edges = folder_edges(graph)
    print("\npipeline's folders and what each imports:")
    for folder in sorted(edges):
        print(f"  {folder:22} -> {', '.join(sorted(edges[folder])) or '(nothing of pipeline)'}")
    cycles = strongly_connected(edges)
    for group in cycles:
        if group in FOLDER_CYCLES:
            print(f"known folder cycle ({FOLDER_CYCLES[group]}):\n{describe(graph, edges, group, folders=True)}")
    found = [c for c in cycles if c not in FOLDER_CYCLES]
    assert not found, "import cycles between pipeline's folders:\n" + \
        "\n".join(describe(graph, edges, c, folders=True) for c in found)
    gone = [c for c in FOLDER_CYCLES if c not in cycles]
    assert not gone, f"no longer a cycle, take it out of FOLDER_CYCLES: {gone}"


# what a module of pipeline/check/ may import beyond `result` and pipeline.model: the store rules
# read the EPUB's package and run EPUBCheck when a store asks for it, and words ISBN errors (a leaf)
CHECK_SIBLINGS = {"pipeline.check.store": {"pipeline.check.package", "pipeline.check.epub", "pipeline.isbn"}}


def test_check_package_imports_one_way():
    """pipeline/check/: __init__ imports its modules, they import `result` (and pipeline.model,
    and the few siblings CHECK_SIBLINGS names), and nothing of the package imports its __init__
    (the old ace.py <-> check.py cycle)."""
    graph = _graph()
    inside = {m for m in graph.modules if m.startswith("pipeline.check.")}
    assert {"pipeline.check.ace", "pipeline.check.epub", "pipeline.check.pdf", "pipeline.check.result"} <= inside
    assert not graph.find_modules_that_directly_import("pipeline.check") & inside
    assert graph.find_modules_directly_imported_by("pipeline.check.result") == set()
    for module in inside - {"pipeline.check.result"}:
        allowed = {"pipeline.check.result", "pipeline.model"} | CHECK_SIBLINGS.get(module, set())
        assert graph.find_modules_directly_imported_by(module) <= allowed, module
