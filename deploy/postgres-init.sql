-- Rasa's SQL tracker store lives in its own database next to the knowledge base.
CREATE DATABASE rasa_tracker OWNER hotline;
