"""The Rasa assistant: custom NLU components and the bot's own configuration."""
