"""A local fake of the Braze REST API: `/users/track` in, exports out, campaigns that fire.

`app` has the routes and answers, `track` how bodies are checked and applied, `export`
the export shapes and segments, `delivery` the action-based campaigns. Run it with
`rokt-braze fake-braze` or `running_fake_braze(keys=[ApiKey("...")])`.
"""

from rokt_braze.fakes.braze.app import FakeBraze, running_fake_braze
from rokt_braze.fakes.braze.auth import ApiKey, parse_key_spec

__all__ = ["ApiKey", "FakeBraze", "parse_key_spec", "running_fake_braze"]
