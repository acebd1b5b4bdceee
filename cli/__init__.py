"""The ``hotline`` command: an adapter from the shell to the knowledge base and the app."""
