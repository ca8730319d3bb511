"""The `check`, `render` and `send` subcommands (the others live with their packages:
`audience.cli`, `fuzz.cli`, `fake_rokt.cli`); `rokt_braze.cli.COMMANDS` lists them all."""
