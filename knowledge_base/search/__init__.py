"""Finding the right service for a question.

- ``text``: normalisation and tokenisation (traditional → simplified, fillers, jieba).
- ``phonetic``: repairs speech-recognition homophones against the catalogue's vocabulary.
- ``ranking``: how search ranks services (BM25 plus exact-name evidence). Start here.
- ``engine``: the index kept per process, rebuilt after each catalogue change.
"""
