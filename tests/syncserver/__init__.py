"""A loopback test server for sync: the academy's Django submissions API (seed 000)
behind SimpleJWT-style sign-in, with faults on demand.

    from syncserver import start_server, Faults

    srv = start_server(users={"staff": "pw"}, static_tokens={"static-token-1"})
    srv.faults.configure(error_500=0.1, drop_after_commit=0.05, seed=1)
    ...
    srv.stop()

See docs/sync.md, "Test server".
"""

from .faults import KINDS as FAULT_KINDS
from .faults import ROUTES as FAULT_ROUTES
from .faults import Faults
from .server import SyncServer, start_server
from .state import ServerState

__all__ = ["FAULT_KINDS", "FAULT_ROUTES", "Faults", "ServerState", "SyncServer", "start_server"]
