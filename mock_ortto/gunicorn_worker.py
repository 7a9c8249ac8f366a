"""The gunicorn worker of ``mock-ortto serve --workers N``: the door on the inherited socket."""

from __future__ import annotations

import os
import threading
import time

from gunicorn.workers.base import Worker

from mock_ortto.door import Door, build_server
from mock_ortto.server import body_limit_of


class DoorWorker(Worker):  # type: ignore[misc]
    """A gunicorn worker that serves with the door (waitress) on the inherited socket.

    gunicorn's own ``gthread`` worker hands a connection to a thread before its request has
    arrived, so a few slow clients can take every thread; the door only hands over complete
    requests.
    """

    def run(self) -> None:
        """Serve until gunicorn asks this worker to stop or the master goes away."""
        app = self.wsgi
        door = build_server(
            app,
            self.sockets[0].sock,
            body_limit_of(app),
            self.app.door_options,
            self.app.request_log,
        )
        threading.Thread(target=self._heartbeat, args=(door,), daemon=True).start()
        door.run()

    def _heartbeat(self, door: Door) -> None:
        while self.alive and self.ppid == os.getppid():
            self.notify()
            time.sleep(1)
        door.stop()
