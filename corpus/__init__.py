"""Source texts and their ingestion. Knows nothing about search or the web.

The SQL store is the source of truth; every other artefact (the index, analyses) is derived
from it and can be rebuilt.
"""
