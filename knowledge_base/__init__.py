"""Service knowledge base: the framework-free heart of the hotline assistant."""
