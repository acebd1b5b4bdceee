"""Sparse features joined without ``scipy.sparse.hstack``.

Each message's sparse features (regexes, lexical, two count vectorisers) are joined side
by side with ``scipy.sparse.hstack``, whose checks cost more than the join of such small
matrices. Two matrices in coordinate form are joined directly into the very matrix
``hstack`` gives.

A patch: the features are joined by ``Features``, Rasa's own data class, inside
``Message.get_sparse_features``, which DIET and the response selector call deep in
their private preparation of each message (``_create_model_data``); no component says
how features are joined, and a subclass would have to copy those methods whole.
"""

from __future__ import annotations


def join_sparse_features_directly() -> None:
    """Makes ``Features._combine_sparse_features`` join two COO matrices itself."""
    import numpy as np
    import scipy.sparse
    from rasa.shared.nlu.training_data.features import Features

    original = Features._combine_sparse_features

    def combine(self: Features, additional_features: Features) -> None:
        left, right = self.features, additional_features.features
        if not (
            scipy.sparse.isspmatrix_coo(left)
            and scipy.sparse.isspmatrix_coo(right)
            and left.shape[0] == right.shape[0]
        ):
            original(self, additional_features)
            return
        # What ``hstack`` builds for two COO blocks: their entries in block order,
        # the right block's columns shifted past the left's.
        dtype = np.result_type(left.dtype, right.dtype)
        self.features = scipy.sparse.coo_matrix(
            (
                np.concatenate([left.data, right.data]).astype(dtype, copy=False),
                (
                    np.concatenate([left.row, right.row]),
                    np.concatenate([left.col, right.col + left.shape[1]]),
                ),
            ),
            shape=(left.shape[0], left.shape[1] + right.shape[1]),
        )
        self._cached_fingerprint = None

    Features._combine_sparse_features = combine
