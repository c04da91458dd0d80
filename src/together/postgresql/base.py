"""Django's PostgreSQL backend, with a cheaper connection health check.

Django checks a kept connection before the first query of each request by sending ``SELECT 1``.
On the respondent pages that was one statement in four. A connection that is idle between
requests should have nothing waiting on its socket, so this backend looks there instead: when the
server has restarted, ended the session or closed the connection, it has sent its last message or
closed the socket, and the socket reads as ready. Only then, or when the connection is not idle, is
the connection given up (or, inside a transaction, checked the usual way).
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        try:
            poll = select.poll()
            poll.register(connection.fileno(), select.POLLIN | select.POLLPRI)
            return not poll.poll(0)
        except (OSError, ValueError):
            return False
