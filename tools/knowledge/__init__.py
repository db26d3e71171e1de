"""The knowledge base: articles, the index, retrieval and upkeep.

Article files, the persistent SQLite index with its passages and MiniLM embeddings, hybrid
retrieval with its reranker and evaluation, drafts from resolved tickets and KB health from
the search log.
"""
