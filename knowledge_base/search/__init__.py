"""Finding the right service for a question, and the right department for a complaint.

- ``text``: normalisation and tokenisation (traditional → simplified, fillers, jieba).
- ``phonetic``: repairs speech-recognition homophones against the catalogue's vocabulary.
- ``ranking``: how search ranks services (BM25 plus exact-name evidence). Start here.
- ``classify``: which work-order category, and so which department, a complaint goes to.
"""
