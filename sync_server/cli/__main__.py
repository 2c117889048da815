"""``python -m sync_server.cli``: the same as the ``sync-server`` command."""

import sys

from sync_server.cli import main

sys.exit(main())
