"""Rasa custom actions: thin adapters between the dialogue and the knowledge base."""
