"""govkg: a knowledge graph of Chinese community-governance entities and their relationships."""

__version__ = "0.1.0"
