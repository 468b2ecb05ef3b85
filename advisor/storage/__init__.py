"""Persistence: the schema, its migrations and the `Store` through which the advisor's records are
read and written. Works with SQLite (the default) and any other SQLAlchemy URL, e.g. PostgreSQL.

Typical use::

    upgrade_database(settings.resolved_database_url)
    store = Store(create_database_engine(settings.resolved_database_url))
"""

from advisor.storage.database import alembic_config, create_database_engine, upgrade_database
from advisor.storage.models import ProposalStatus
from advisor.storage.store import AuditEventRecord, Store

__all__ = [
    "AuditEventRecord",
    "ProposalStatus",
    "Store",
    "alembic_config",
    "create_database_engine",
    "upgrade_database",
]
