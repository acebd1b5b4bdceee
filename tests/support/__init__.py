"""Helpers the tests share: real servers started for the session, free ports."""
