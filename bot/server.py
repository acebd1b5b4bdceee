"""Rasa's server with the fixes of ``bot.rasa_fixes``; takes the arguments of the ``rasa``
command.

    python -m bot.server run --enable-api --model models/hotline.tar.gz ...

Before Rasa starts, the patches of ``bot.rasa_fixes`` are installed (the subclass fixes
come with the classes ``config.yml`` names), or, on another Rasa than the one they were
written for, the server refuses to start; ``HOTLINE_RASA_FIXES=off`` runs Rasa as it
comes. Every log record is masked (``privacy.logs``). ``rasa run`` also gets one
thread per TensorFlow pool (see ``ONE_THREAD_PER_TENSORFLOW_POOL``), and every command
imports TensorFlow without jax (``foundation/without_jax.py``): about 130 MB less.
"""

from __future__ import annotations

import os
import sys

from bot.rasa_fixes import RasaVersionError, install_fixes
from foundation.without_jax import leave_out_jax
from privacy.logs import mask_personal_data_in_logs

# Rasa's TensorFlow settings (read by ``rasa run``). TensorFlow's default is a thread
# per core in each of its two pools; a prediction here is a few milliseconds of small
# operations, and a replica's cores are shared with its gateway and the action server.
# Handing the operations to other threads costs about a millisecond of CPU per
# prediction and gains no time.
ONE_THREAD_PER_TENSORFLOW_POOL = {
    "TF_INTER_OP_PARALLELISM_THREADS": "1",
    "TF_INTRA_OP_PARALLELISM_THREADS": "1",
}


def use_one_thread_per_tensorflow_pool() -> None:
    """Unless the environment already says how many threads TensorFlow may use."""
    for name, value in ONE_THREAD_PER_TENSORFLOW_POOL.items():
        os.environ.setdefault(name, value)


def main() -> None:
    # Before Rasa sets up its loggers: its debug log prints messages, entities and
    # slots, ID numbers among them.
    mask_personal_data_in_logs()
    if sys.argv[1:2] == ["run"]:
        use_one_thread_per_tensorflow_pool()
    leave_out_jax()
    try:
        install_fixes()
    except RasaVersionError as refusal:
        sys.exit(f"bot.server: {refusal}")
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
