"""HTTP gateway: a thin adapter from FastAPI to the knowledge base and Rasa."""
