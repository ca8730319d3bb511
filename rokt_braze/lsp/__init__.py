"""`rokt-braze lsp`: a language server over stdio for webhook files and what they use.

The server (`server`) only schedules work and speaks the protocol; every answer comes
from the pipeline, as `check` would give it:

- `checking`: one document's text -> the findings `check` reports for it (the workspace's
  config, profiles and fixtures; the same rule ids, severities, positions and
  suppressions), and the files the check read (a profile edit re-checks its users;
  profile and fixture files open in the editor are read as it holds them, unsaved);
- `diagnostics`: findings as LSP diagnostics;
- `hover`: what an output or tag renders to per profile, a connected_content call, a rule;
  `blocks`: the branch a block tag took, the times a loop ran;
- `completion`: `${...}` attributes, filters, tags, Rokt body fields, time-zone ids;
- `actions`: the fixes lint rules carry, and a suppression comment for a line.

pygls is an optional dependency (`pip install 'rokt-braze[lsp]'`); only `server` and
the modules that build LSP types import it.
"""
