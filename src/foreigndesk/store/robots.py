"""Each host's robots.txt as last fetched, for every worker to read."""

from __future__ import annotations

from datetime import UTC, datetime

from foreigndesk.fetch.robots import RobotsFile
from foreigndesk.store.guards import Repository, aware
from foreigndesk.store.tables import (
    RobotsRow,
    utcnow,
)


class RobotsFiles(Repository):
    """Each host's robots.txt as last fetched, for every worker to read."""

    def load_robots(self, host: str) -> RobotsFile | None:
        with self.transaction() as session:
            row = session.get(RobotsRow, host)
            if row is None:
                return None
            fetched = aware(row.fetched_at) or utcnow()
            return RobotsFile(row.status_code, row.body, fetched.timestamp())

    def save_robots(self, host: str, robots: RobotsFile) -> None:
        """An upsert: two workers that fetched one host's robots.txt at once both store it,
        the later one winning, instead of the second failing on the key."""
        values = {
            "host": host,
            "status_code": robots.status,
            "body": robots.body,
            "fetched_at": datetime.fromtimestamp(robots.fetched_at, UTC),
        }
        insert = self._insert(RobotsRow).values(**values)
        with self.transaction() as session:
            session.execute(
                insert.on_conflict_do_update(
                    index_elements=["host"],
                    set_={name: insert.excluded[name] for name in values if name != "host"},
                )
            )
