"""The assistant on this machine, for the tests and the benchmarks.

Starts what ``foundation.topology`` describes, as real processes on loopback:

- ``servers``: throw-away PostgreSQL and Redis servers (``postgres_cluster``,
  ``redis_server``), free ports (``free_port``);
- ``model``: the project's model trained with fewer epochs, once per change of its data
  (``train_test_model``);
- ``processes``: a described process started with its log, waited for until healthy,
  stopped (``start``, ``wait_ready``, ``terminate``); Rasa's channels for the tests
  (``CHANNELS``: the gateway's and Rasa's REST channel, ``harness/credentials.yml``);
- ``production``: the production topology, replicas and all (``production_topology``).

Not part of the product: nothing in ``api``, ``bot``, ``actions`` or ``cli`` imports it.
"""
