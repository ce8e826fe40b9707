"""Local profile only (`npm start`, tests, benchmarks): SQLite without an fsync per commit.

Synapse runs SQLite in WAL mode with SQLite's default `synchronous = FULL`: every commit waits
for the disk, and Synapse does all SQLite work on one connection, so each wait stalls the whole
homeserver. `synchronous = NORMAL` is SQLite's recommended setting for WAL: the database stays
consistent after a crash; only the last commits before a power loss may be lost — acceptable
for a development federation, never used in production (which runs PostgreSQL).
"""

import logging
from typing import Any

from synapse.module_api import ModuleApi

logger = logging.getLogger(__name__)


class SqliteSynchronousNormal:
    def __init__(self, config: dict, api: ModuleApi):
        self._api = api
        # The connection exists once the reactor runs; the setting lives as long as it does
        # (Synapse keeps a single SQLite connection open).
        api.delayed_background_call(0, self._apply, desc="tchap_sqlite_synchronous")

    @staticmethod
    def parse_config(config: dict) -> dict:
        return config or {}

    async def _apply(self) -> None:
        def set_normal(txn: Any) -> Any:
            txn.execute("PRAGMA synchronous = NORMAL")
            txn.execute("PRAGMA synchronous")
            return txn.fetchone()

        try:
            row = await self._api.run_db_interaction("tchap_sqlite_synchronous", set_normal)
            logger.info("SQLite synchronous is now %s (1 = NORMAL)", row[0] if row else "?")
        except Exception:  # noqa: BLE001 - not SQLite (PostgreSQL): nothing to tune
            logger.info("not an SQLite database: synchronous setting left alone")
