"""Node positions for the HTML views, computed once so a view opens still and fast.

A force-directed layout with a fixed seed (the same graph always gets the same
picture), in the manner of ForceAtlas2: nodes repel in proportion to their
degrees (so hubs push apart and their many leaves get room), links pull with a
force linear in their length, and a pull to the centre keeps separate
components and isolated nodes in view. It is vectorised with numpy: repulsion
between all pairs is computed in row blocks with two matrix products per block,
so 5,000 nodes take seconds and little memory.

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

GRAVITY = 1.0  # pull to the centre (twice that for unlinked nodes)
ATTRACTION = 3.0  # pull of a link per unit of length
BLOCK_CELLS = 2_000_000  # pairs per block: about 16 MB of float64 per temporary


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

    ``iterations`` defaults to :func:`iterations_for` ``n``.

    Parallel and reversed edges count once; self-loops are ignored.
    """
    import numpy as np

    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.zeros((1, 2))
    pairs = {(a, b) if a < b else (b, a) for a, b in edges if a != b}
    src = np.fromiter((a for a, _ in pairs), dtype=np.intp, count=len(pairs))
    dst = np.fromiter((b for _, b in pairs), dtype=np.intp, count=len(pairs))
    degree = np.bincount(np.concatenate([src, dst]), minlength=n).astype(float)

    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2)) - 0.5
    k = 1.0 / np.sqrt(n)  # the repulsion's length scale in a unit square
    k2 = k * k
    iterations = iterations or iterations_for(n)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    block = max(1, BLOCK_CELLS // n)
    # A pull to the centre, stronger for unconnected nodes, so components stay together.
    gravity = np.where(degree > 0, GRAVITY, 2.0 * GRAVITY)
    mass = degree + 1.0
    m32 = mass.astype(np.float32)
    rows = np.arange(n)

    for _ in range(iterations):
        p32 = pos.astype(np.float32)
        sq32 = np.einsum("ij,ij->i", p32, p32)
        disp = np.empty_like(pos)
        for lo in range(0, n, block):
            hi = min(lo + block, n)
            p = pos[lo:hi]
            # |p_i - p_j|^2 without forming the (block, n, 2) difference array, in place.
            w = p32[lo:hi] @ p32.T
            w *= -2.0
            w += sq32[None, :]
            w += sq32[lo:hi, None]
            np.maximum(w, 1e-4 * k2, out=w)
            # Repulsion m_i m_j k^2 / d along the unit vector = m_i m_j k^2 (p_i - p_j) / d^2.
            np.divide(k2, w, out=w)
            w[rows[: hi - lo], rows[lo:hi]] = 0.0
            w *= m32[None, :]
            disp[lo:hi] = (p * w.sum(axis=1, dtype=np.float64)[:, None] - (w @ p32)) * mass[lo:hi, None]
        if len(src):
            pull = (pos[src] - pos[dst]) * ATTRACTION
            np.subtract.at(disp, src, pull)
            np.add.at(disp, dst, pull)
        disp -= pos * gravity[:, None]
        length = np.sqrt(np.einsum("ij,ij->i", disp, disp))
        length[length == 0] = 1.0
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling

    pos -= pos.mean(axis=0)
    extent = np.abs(pos).max()
    return pos / extent if extent > 0 else pos
