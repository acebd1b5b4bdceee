"""jax left out of our processes: TensorFlow's requirements install it, nothing here
uses it.

bm25s (search, in the gateway and the action server) and TensorFlow's model converter
(imported with TensorFlow, in Rasa) each import jax when it is installed, for a top-k
selection and a conversion this project never calls, and each does without it. The
import cost every one of those processes about 130 MB of resident memory.
"""

from __future__ import annotations

import sys


def leave_out_jax() -> None:
    """From now on this process imports jax as if it were not installed."""
    # A None entry is how Python documents blocking an import; typeshed allows modules only.
    sys.modules.setdefault("jax", None)  # type: ignore[arg-type]
