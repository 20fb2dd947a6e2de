"""The govkg exception hierarchy: every error says what to do next."""


class GovkgError(Exception):
    """Base class of every error govkg raises on purpose."""


class InputError(GovkgError):
    """An input file cannot be read as an article (empty, binary, unknown encoding...)."""


class StoreError(GovkgError):
    """A graph store cannot be opened, read or written."""


class StoreConnectionError(StoreError):
    """A store server cannot be reached or refused the credentials."""


class OntologyError(GovkgError):
    """A type, kind or relation name is not defined by the ontology."""


class QueryError(GovkgError):
    """A named query does not exist or was given bad parameters."""
