"""An SVG state diagram and a text outline generated from a workflow definition."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from workflows.engine import Workflow

Label = Callable[[str], str]

BOX_W, LINE_H, PAD = 180, 15, 8
COL_GAP, ROW_GAP, MARGIN, DUMMY_W = 40, 60, 20, 20
WRAP = 24
FAN_IN = 3  # an action ending the case from this many states is listed, not drawn


@dataclass(frozen=True)
class Box:
    """A laid-out state: top-left corner, height and wrapped text lines."""

    x: float
    y: float
    h: float
    lines: tuple[str, ...]


def _identity(s: str) -> str:
    return s


def _walk(workflow: Workflow) -> tuple[set[tuple[str, str]], list[str]]:
    """Return the edges closing a cycle in a depth-first walk, and a topological order."""
    back: set[tuple[str, str]] = set()
    status: dict[str, str] = {}
    finished: list[str] = []

    def visit(name: str) -> None:
        status[name] = "active"
        for t in workflow.transitions_from(name):
            if status.get(t.target) == "active":
                back.add((name, t.target))
            elif t.target not in status:
                visit(t.target)
        status[name] = "done"
        finished.append(name)

    visit(workflow.start)
    return back, finished[::-1]


def layers(workflow: Workflow) -> list[list[str]]:
    """Return state names in rows by longest path from the start (unreachable states last)."""
    # Longest path rather than BFS depth: every forward arrow then points down, and the
    # committee never shares a row with the decisions it leads to.
    back, topo = _walk(workflow)
    depth = dict.fromkeys(topo, 0)
    for name in topo:
        for t in workflow.transitions_from(name):
            if (name, t.target) not in back:
                depth[t.target] = max(depth[t.target], depth[name] + 1)
    rows: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for name in topo:
        rows[depth[name]].append(name)
    stray = [s.name for s in workflow.states if s.name not in depth]
    return rows + ([stray] if stray else [])


def _fan_ins(workflow: Workflow) -> dict[tuple[str, str], tuple[str, ...]]:
    """Return (action label, target) -> sources for actions ending the case from many states."""
    groups: dict[tuple[str, str], list[str]] = {}
    for t in workflow.transitions:
        groups.setdefault((t.label, t.target), []).extend(t.sources)
    return {(lbl, target): tuple(dict.fromkeys(srcs)) for (lbl, target), srcs in groups.items()
            if len(set(srcs)) >= FAN_IN and workflow.is_terminal(target)}


def _edges(workflow: Workflow, label: Label) -> dict[tuple[str, str], list[str]]:
    # One arrow per (source, target) pair keeps the picture legible; labels are joined.
    fan_ins = _fan_ins(workflow)
    edges: dict[tuple[str, str], list[str]] = {}
    for t in workflow.transitions:
        if (t.label, t.target) in fan_ins:
            continue
        for source in t.sources:
            names = edges.setdefault((source, t.target), [])
            if label(t.label) not in names:
                names.append(label(t.label))
    return edges


@dataclass(frozen=True)
class Edge:
    """An arrow to draw: its label and the points it passes, source first."""

    source: str
    target: str
    text: str
    chain: tuple[str, ...]  # top-to-bottom items: states and dummy slots in between


def _chains(workflow: Workflow, grid: list[list[str]], label: Label) -> tuple[list[list[str]], list[Edge]]:
    """Insert a dummy slot in every row an edge crosses, so no arrow runs through a box."""
    row_of = {n: i for i, row in enumerate(grid) for n in row}
    rows = [list(r) for r in grid]
    edges = []
    for k, ((s, t), texts) in enumerate(_edges(workflow, label).items()):
        top, bottom = (s, t) if row_of[s] <= row_of[t] else (t, s)
        dummies = tuple(f"~{k}~{r}" for r in range(row_of[top] + 1, row_of[bottom]))
        for d in dummies:
            rows[int(d.rsplit("~", 1)[1])].append(d)
        edges.append(Edge(s, t, " / ".join(texts), (top, *dummies, bottom)))
    return rows, edges


def _sweep(rows: list[list[str]], edges: list[Edge], passes: int = 3) -> list[list[str]]:
    # Barycentre ordering, alternating down and up sweeps: each item goes under (or over)
    # the mean position of its neighbours in the row just handled.
    up: dict[str, list[str]] = {}
    down: dict[str, list[str]] = {}
    for e in edges:
        for a, b in zip(e.chain, e.chain[1:]):
            up.setdefault(b, []).append(a)
            down.setdefault(a, []).append(b)
    pos = {n: i - (len(r) - 1) / 2 for r in rows for i, n in enumerate(r)}
    for p in range(passes):
        order = range(1, len(rows)) if p % 2 == 0 else range(len(rows) - 2, -1, -1)
        links = up if p % 2 == 0 else down
        for i in order:
            def centre(n: str) -> float:
                near = [pos[m] for m in links.get(n, [])]
                return sum(near) / len(near) if near else pos[n]
            rows[i].sort(key=centre)
            pos.update({n: j - (len(rows[i]) - 1) / 2 for j, n in enumerate(rows[i])})
    return rows


def _width(item: str) -> float:
    return DUMMY_W if item.startswith("~") else BOX_W


def _place(workflow: Workflow, rows: list[list[str]], label: Label) -> dict[str, Box]:
    """Give every state and dummy slot a box, rows centred top to bottom."""
    span = [sum(_width(n) for n in r) + COL_GAP * (len(r) - 1) for r in rows]
    boxes: dict[str, Box] = {}
    y = float(MARGIN)
    for row, row_span in zip(rows, span):
        texts = {n: tuple(textwrap.wrap(label(workflow.state(n).staff_label), WRAP)) or (n,)
                 for n in row if not n.startswith("~")}
        height = max((len(lines) for lines in texts.values()), default=1) * LINE_H + 2 * PAD
        x = MARGIN + (max(span) - row_span) / 2
        for name in row:
            boxes[name] = Box(x, y, height, texts.get(name, ()))
            x += _width(name) + COL_GAP
        y += height + ROW_GAP
    return boxes


def _box_svg(workflow: Workflow, name: str, box: Box) -> str:
    # Shape, not only colour, marks the start (thick border) and the ends (dashed border).
    terminal = workflow.is_terminal(name)
    stroke = "3" if name == workflow.start else "1.5"
    dash = ' stroke-dasharray="5 3"' if terminal else ""
    fill = "#eeeeee" if terminal else "#ffffff"
    parts = [f'<g class="state" data-state="{escape(name)}">',
             f'<rect x="{box.x:.0f}" y="{box.y:.0f}" width="{BOX_W}" height="{box.h:.0f}" rx="6" '
             f'fill="{fill}" stroke="#1a1a1a" stroke-width="{stroke}"{dash}/>']
    for i, line in enumerate(box.lines):
        parts.append(f'<text x="{box.x + BOX_W / 2:.0f}" y="{box.y + PAD + LINE_H - 3 + i * LINE_H:.0f}" '
                     f'text-anchor="middle" font-size="13">{escape(line)}</text>')
    return "".join(parts) + "</g>"


def _anchors(edges: list[Edge], boxes: dict[str, Box]) -> dict[tuple[int, str], tuple[float, int]]:
    """Spread the arrows leaving or entering one side of a box along that side."""
    sides: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for k, e in enumerate(edges):
        top, second, before_last, bottom = e.chain[0], e.chain[1], e.chain[-2], e.chain[-1]
        sides.setdefault((top, "bottom"), []).append((boxes[second].x + _width(second) / 2, k))
        sides.setdefault((bottom, "top"), []).append((boxes[before_last].x + _width(before_last) / 2, k))
    anchors = {}
    for (name, side), items in sides.items():
        for i, (_, k) in enumerate(sorted(items)):
            anchors[(k, side)] = (boxes[name].x + BOX_W * (i + 1) / (len(items) + 1), i)
    return anchors


def _edge_svg(k: int, e: Edge, boxes: dict[str, Box], anchors: dict, marker: str) -> str:
    first, last = boxes[e.chain[0]], boxes[e.chain[-1]]
    points = [(anchors[(k, "bottom")][0], first.y + first.h)]
    for d in e.chain[1:-1]:
        b = boxes[d]
        points += [(b.x + DUMMY_W / 2, b.y), (b.x + DUMMY_W / 2, b.y + b.h)]
    points.append((anchors[(k, "top")][0], last.y))
    forward = e.chain[0] == e.source
    if not forward:
        points.reverse()  # a backward arrow: drawn bottom-up so the head is at the target
    path = " ".join(f"{'M' if i == 0 else 'L'}{x:.0f},{y:.0f}" for i, (x, y) in enumerate(points))
    (x1, y1), (x2, y2) = points[0], points[1]
    source = boxes[e.source]
    # Labels sit beside the first segment, on the side the arrow leaves the box, at
    # alternating heights so neighbouring labels do not print over each other.
    left = x1 < source.x + BOX_W / 2 - 1
    t = 0.3 if anchors[(k, "bottom" if forward else "top")][1] % 2 == 0 else 0.7
    lx, ly = x1 + t * (x2 - x1) + (-5 if left else 5), y1 + t * (y2 - y1) + 4
    return (f'<path d="{path}" fill="none" stroke="#555555" stroke-width="1.2" marker-end="url(#{marker})"/>'
            f'<text x="{lx:.0f}" y="{ly:.0f}" text-anchor="{"end" if left else "start"}" font-size="11" '
            f'fill="#1a1a1a" stroke="#ffffff" stroke-width="4" paint-order="stroke">{escape(e.text)}</text>')


def _legend_svg(workflow: Workflow, label: Label, y: float) -> tuple[list[str], float]:
    lines = []
    for (action_label, target), sources in _fan_ins(workflow).items():
        froms = ", ".join(label(workflow.state(s).staff_label) for s in sources)
        text = f"{label(action_label)} → {label(workflow.state(target).staff_label)}: {froms}"
        lines.append(f'<text x="{MARGIN}" y="{y:.0f}" font-size="11">{escape(text)}</text>')
        y += LINE_H + 2
    return lines, y


def to_svg(workflow: Workflow, label: Label = _identity) -> str:
    """Return a self-contained, accessible SVG of the workflow's state graph."""
    rows, edges = _chains(workflow, layers(workflow), label)
    boxes = _place(workflow, _sweep(rows, edges), label)
    states = {n: b for n, b in boxes.items() if not n.startswith("~")}
    ident = f"wf-{escape(workflow.name)}"
    marker = f"{ident}-arrow"
    anchors = _anchors(edges, boxes)
    legend, bottom = _legend_svg(workflow, label, max(b.y + b.h for b in states.values()) + 28)
    width = max(b.x + _width(n) for n, b in boxes.items()) + MARGIN
    return "".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width:.0f} {bottom:.0f}" '
        f'width="{width:.0f}" height="{bottom:.0f}" font-family="sans-serif" '
        f'aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(label(workflow.label))}</title>',
        f'<desc id="{ident}-desc">{escape(label(workflow.description))}</desc>',
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555555"/></marker></defs>',
        '<g class="edges">', *(_edge_svg(k, e, boxes, anchors, marker) for k, e in enumerate(edges)), "</g>",
        '<g class="states">', *(_box_svg(workflow, n, b) for n, b in states.items()), "</g>",
        '<g class="legend">', *legend, "</g>",
        "</svg>",
    ])


def to_outline(workflow: Workflow, label: Label = _identity) -> list[dict]:
    """Return the graph as a list of state dicts for an HTML text alternative."""
    outline = []
    for name in (n for row in layers(workflow) for n in row):
        state = workflow.state(name)
        exits = [(label(t.label), label(workflow.state(t.target).staff_label), tuple(sorted(t.roles)))
                 for t in workflow.transitions_from(name)]
        outline.append({
            "state": name,
            "label": label(state.staff_label),
            "public_label": label(state.public_label),
            "tags": tuple(sorted(state.tags)),
            "exits": exits,
        })
    return outline
