"""Session stores: the records and the contract (`base`), SQLite (`sqlite`, the default) and Redis
(`redis`, shared by several replicas); `open_store` picks one by the `store` setting."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .base import TREE_FIELDS, Message, Node, NodeBrief, Session, SessionStore, new_id
from .sqlite import SQLiteSessionStore

if TYPE_CHECKING:
    from ..core.config import Settings

__all__ = ["TREE_FIELDS", "Message", "Node", "NodeBrief", "SQLiteSessionStore", "Session", "SessionStore", "new_id",
           "open_store"]


def open_store(settings: Settings) -> SessionStore:
    """The store the settings choose: SQLite in the data folder (default) or a shared Redis."""
    if settings.store == "redis":
        from .redis import RedisSessionStore  # imports the redis client only when chosen

        return RedisSessionStore(settings.redis_url)
    return SQLiteSessionStore(Path(settings.data_dir) / "sessions.db")
