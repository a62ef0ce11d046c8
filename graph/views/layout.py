"""Node positions for the HTML views, computed once so a view opens still and fast.

A force-directed layout with a fixed seed (the same graph always gets the same
picture), in the manner of ForceAtlas2: nodes repel in proportion to their
degrees (so hubs push apart and their many leaves get room), links pull with a
force linear in their length, and a pull to the centre keeps separate
components together; nodes without links are set in rows below the rest. It is
vectorised with numpy: repulsion
between all pairs is computed in row blocks with two matrix products per block,
and on graphs of more than ``SAMPLE`` nodes each step estimates it from a fresh
random sample of nodes, so 5,000 nodes take a few seconds and little memory.

>>> pos = spring(4, [(0, 1), (1, 2), (2, 3)], seed=1)
>>> pos.shape
(4, 2)
>>> bool(abs(pos).max() <= 1.0)
True
>>> bool((spring(4, [(0, 1)], seed=1) == spring(4, [(0, 1)], seed=1)).all())
True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

GRAVITY = 1.0  # pull to the centre
ATTRACTION = 3.0  # pull of a link per unit of length
BLOCK_CELLS = 2_000_000  # pairs per block: about 8 MB of float32 per temporary
SAMPLE = 1_500  # above this many nodes, each step repels from a fresh random sample of this many


def iterations_for(n: int) -> int:
    """Fewer (but enough) iterations for big graphs, where each costs n² work.

    >>> iterations_for(100), iterations_for(5000)
    (120, 40)
    """
    if n <= 1000:
        return 120
    return max(40, int(120 * 1000 / n))


def spring(n: int, edges: Iterable[tuple[int, int]], *, seed: int = 7,
           iterations: int | None = None) -> Any:
    """Positions of ``n`` nodes linked by ``edges`` (index pairs): an (n, 2) array in [-1, 1].

    Nodes with links are laid out by forces (``iterations`` defaults to
    :func:`iterations_for` their number); nodes without any are set in rows
    below them, out of the way. Parallel and reversed edges count once;
    self-loops are ignored.

    >>> pos = spring(5, [(0, 1), (1, 2)])
    >>> bool(pos[3:, 1].min() > pos[:3, 1].max())    # the unlinked two sit below
    True
    """
    import numpy as np

    pairs = {(a, b) if a < b else (b, a) for a, b in edges if a != b}
    linked = sorted({i for pair in pairs for i in pair})
    alone = sorted(set(range(n)) - set(linked))
    pos = np.zeros((n, 2))
    if linked:
        index = {node: i for i, node in enumerate(linked)}
        src = np.fromiter((index[a] for a, _ in pairs), dtype=np.intp, count=len(pairs))
        dst = np.fromiter((index[b] for _, b in pairs), dtype=np.intp, count=len(pairs))
        pos[linked] = _forces(len(linked), src, dst, seed=seed, iterations=iterations)
    if alone:
        top = pos[linked, 1].max() if linked else -1.0
        cols = int(np.ceil(np.sqrt(len(alone) * 4)))  # a band four times as wide as deep
        step = 2.0 / max(cols, 2) if linked else 2.0 / max(cols - 1, 1)
        i = np.arange(len(alone))
        x = -1.0 + (i % cols) * step if linked or cols > 1 else np.zeros(len(alone))
        y = top + step * (1.5 if linked else 0.0) + (i // cols) * step
        pos[alone] = np.column_stack([x, y])
    pos -= (pos.max(axis=0) + pos.min(axis=0)) / 2 if n else 0.0
    extent = np.abs(pos).max() if n else 0.0
    return pos / extent if extent > 0 else pos


def _forces(n: int, src: Any, dst: Any, *, seed: int, iterations: int | None) -> Any:
    """The force-directed layout of ``n`` nodes linked by edges ``src[i] - dst[i]``."""
    import numpy as np

    if n == 1:
        return np.zeros((1, 2))
    degree = np.bincount(np.concatenate([src, dst]), minlength=n).astype(float)

    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2)) - 0.5
    k = 1.0 / np.sqrt(n)  # the repulsion's length scale in a unit square
    k2 = k * k
    iterations = iterations or iterations_for(n)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    block = max(1, BLOCK_CELLS // min(n, SAMPLE))
    mass = degree + 1.0
    m32 = mass.astype(np.float32)
    rows = np.arange(n)

    for _ in range(iterations):
        p32 = pos.astype(np.float32)
        if n > SAMPLE:  # repel from a sample, weighted up to stand for everyone
            cols = np.sort(rng.choice(n, size=SAMPLE, replace=False))
            where = np.full(n, -1)
            where[cols] = np.arange(SAMPLE)
            q32, mq = p32[cols], m32[cols] * np.float32(n / SAMPLE)
        else:
            cols, where, q32, mq = rows, rows, p32, m32
        sq = np.einsum("ij,ij->i", p32, p32)
        disp = np.empty_like(pos)
        for lo in range(0, n, block):
            hi = min(lo + block, n)
            p = pos[lo:hi]
            # |p_i - q_j|^2 without forming the (block, columns, 2) difference array, in place.
            w = p32[lo:hi] @ q32.T
            w *= -2.0
            w += sq[cols][None, :]
            w += sq[lo:hi, None]
            np.maximum(w, 1e-4 * k2, out=w)
            # Repulsion m_i m_j k^2 / d along the unit vector = m_i m_j k^2 (p_i - p_j) / d^2.
            np.divide(k2, w, out=w)
            own = where[lo:hi]  # a node does not repel itself
            hit = own >= 0
            w[rows[: hi - lo][hit], own[hit]] = 0.0
            w *= mq[None, :]
            disp[lo:hi] = (p * w.sum(axis=1, dtype=np.float64)[:, None] - (w @ q32)) * mass[lo:hi, None]
        if len(src):
            pull = (pos[src] - pos[dst]) * ATTRACTION
            np.subtract.at(disp, src, pull)
            np.add.at(disp, dst, pull)
        disp -= pos * GRAVITY  # keeps separate components together
        length = np.sqrt(np.einsum("ij,ij->i", disp, disp))
        length[length == 0] = 1.0
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling

    pos -= pos.mean(axis=0)
    extent = np.abs(pos).max()
    return pos / extent if extent > 0 else pos
