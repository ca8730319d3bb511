"""`rokt-braze fuzz`: search for user profiles that break a webhook template.

A template that is fine for the sample subscriber can break for the one user whose name holds
a quote or who has no subscription left. The fuzzer draws adversarial profiles with Hypothesis
(`rokt_braze.profiles.strategies`), renders and validates the webhook for each, and for every
rule that fails keeps the smallest profile that still triggers it, ready to be saved as a
profile file and added to the user's tests.

`search.fuzz_webhook` is the entry point; `cli` is the command. Nothing here is imported by
`rokt_braze` itself, and this package imports Hypothesis (an optional extra) only when a
search runs, so the CLI can say clearly when it is missing.
"""
