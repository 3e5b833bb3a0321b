"""Read commands: load (store), enrich (git facts), decide (rules), ready to render.

`check` for `cqctrack check`, `review` for the weekly review and `--concerns`,
`summary` for the dashboard, `history` for one action's audit trail.
"""
