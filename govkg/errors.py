"""The govkg exception hierarchy, as the CLI and the Python API export it (defined in core.errors)."""

from core.errors import GovkgError, InputError, OntologyError, QueryError, StoreConnectionError, StoreError

__all__ = ["GovkgError", "InputError", "OntologyError", "QueryError", "StoreConnectionError", "StoreError"]
