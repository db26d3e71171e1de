"""Sparse feature rows in numpy: what judging a ticket needs of ``scipy.sparse``.

A judgement's features are a ticket's sentence vector, its word and char TF-IDF rows and
its tier and channel, side by side; the heads score them with one product. Importing
``scipy.sparse`` took a fifth of a second before every process's first ticket, so the
rows are kept here as plain CSR arrays, and the product adds up each row's terms in the
order SciPy's does (the same float32 sums, to the bit: tests/test_judgement.py). Training
hands the rows to scikit-learn as a SciPy matrix (:meth:`Rows.csr`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Rows:
    """Rows of a sparse matrix, as SciPy's CSR format keeps them.

    Row ``i`` holds ``values[indptr[i]:indptr[i + 1]]`` at ``columns[indptr[i]:indptr[i + 1]]``,
    the columns ascending, none stored twice.
    """

    indptr: np.ndarray
    columns: np.ndarray
    values: np.ndarray
    width: int

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
        return len(self.indptr) - 1, self.width

    @classmethod
    def of_dense(cls, array: np.ndarray) -> Rows:
        """The non-zero entries of a dense 2-D array, row by row."""
        rows, columns = np.nonzero(array)
        indptr = np.zeros(array.shape[0] + 1, np.int64)
        np.cumsum(np.bincount(rows, minlength=array.shape[0]), out=indptr[1:])
        return cls(indptr, columns.astype(np.int32), array[rows, columns], array.shape[1])

    @classmethod
    def side_by_side(cls, blocks: Sequence[Rows]) -> Rows:
        """The blocks' columns one after another, as ``scipy.sparse.hstack`` joins them."""
        counts = np.stack([np.diff(b.indptr) for b in blocks], axis=1)  # rows × blocks
        indptr = np.zeros(counts.shape[0] + 1, np.int64)
        np.cumsum(counts.sum(axis=1), out=indptr[1:])
        # Each entry's place: its row's start, the row's entries in earlier blocks, its
        # place within its block's row.
        offsets = np.cumsum(counts, axis=1) - counts
        columns = np.empty(int(indptr[-1]), np.int32)
        values = np.empty(int(indptr[-1]), np.result_type(*(b.values for b in blocks)))
        first = 0
        for k, block in enumerate(blocks):
            row_of = np.repeat(np.arange(counts.shape[0]), counts[:, k])
            within = np.arange(len(block.columns)) - block.indptr[row_of]
            at = indptr[row_of] + offsets[row_of, k] + within
            columns[at] = block.columns + first
            values[at] = block.values
            first += block.width
        return cls(indptr, columns, values, first)

    def __matmul__(self, weights: np.ndarray) -> np.ndarray:
        """``rows @ weights``: each row's ``value * weights[column]`` added in stored order.

        SciPy's product adds a row's entries one by one in stored order, and so does
        numpy's sum down the first axis (``add.reduceat`` adds in another order, and its
        float32 sums differ in the last bits).
        """
        out = np.zeros((self.shape[0], weights.shape[1]), np.result_type(self.values, weights))
        products = weights[self.columns] * self.values[:, None]
        for i, (start, end) in enumerate(zip(self.indptr[:-1], self.indptr[1:], strict=True)):
            if end > start:
                out[i] = products[start:end].sum(axis=0)
        return out

    def toarray(self) -> np.ndarray:
        """The rows as a dense array (for tests and small checks)."""
        dense = np.zeros(self.shape, self.values.dtype)
        dense[np.repeat(np.arange(self.shape[0]), np.diff(self.indptr)), self.columns] = self.values
        return dense

    def csr(self) -> Any:
        """The rows as a ``scipy.sparse.csr_matrix`` (for training with scikit-learn)."""
        import scipy.sparse as sp

        return sp.csr_matrix((self.values, self.columns, self.indptr), shape=self.shape)
