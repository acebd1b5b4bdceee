"""jax stays out of the processes that would import it for nothing (about 130 MB each):
the gateway and the action server, which build the search index and the classifier,
and Rasa, which imports TensorFlow. Each check runs in a fresh interpreter, since this
one may have imported anything already."""

from __future__ import annotations

import subprocess
import sys

JAX_MODULES = (
    "import sys; print(sorted(name for name, module in sys.modules.items()"
    " if name.split('.')[0] in ('jax', 'jaxlib') and module is not None))"
)
BUILD_THE_SEARCH = """
import sys
from foundation.db import make_engine, session_scope
from cases.routing.classify import build_classifier
from knowledge_base.search.build import build_service_index
with session_scope(make_engine(sys.argv[1])) as session:
    assert build_service_index(session).search("居住证怎么办理")
    assert build_classifier(session).classify("楼上半夜装修很吵").category
"""
RASA_VERSION_THEN_TENSORFLOW = """
import sys
from bot import server
sys.argv = ["rasa", "--version"]
server.main()
import tensorflow.lite.python.util
"""


def jax_modules_after(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script + "\n" + JAX_MODULES, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def test_tensorflow_and_bm25s_import_jax_when_nothing_leaves_it_out():
    assert "jax" in jax_modules_after("import bm25s")
    assert "jax" in jax_modules_after("import tensorflow.lite.python.util")


def test_the_search_index_and_the_classifier_are_built_without_jax(
    engine, database_url
):
    assert jax_modules_after(BUILD_THE_SEARCH, database_url) == "[]"


def test_rasa_through_our_server_imports_tensorflow_without_jax():
    assert jax_modules_after(RASA_VERSION_THEN_TENSORFLOW) == "[]"
