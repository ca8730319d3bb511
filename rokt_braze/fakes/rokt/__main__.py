"""`python -m rokt_braze.fakes.rokt`: the same as `rokt-braze fake-rokt`."""

import sys

from rokt_braze.fakes.rokt.cli import main

sys.exit(main())
