"""NLTK analysis, the Whoosh index and search. Reads ``corpus``, never writes it.

The index is derived: it can always be deleted and rebuilt from the store.
"""
