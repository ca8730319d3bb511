"""`python -m rokt_braze.fake_rokt`: the same as `rokt-braze fake-rokt`."""

import sys

from rokt_braze.fake_rokt.cli import main

sys.exit(main())
