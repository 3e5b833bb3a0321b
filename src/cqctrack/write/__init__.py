"""Write commands: the edit session that loads one file round-trip, changes it,
validates it against its model, writes it atomically and commits it.

`session` holds the repository lock and the snapshot; `document` reads and writes
one file; `edits` changes round-trip YAML in place; `entries` records what happens
to actions and measures; `create` makes new files and new repositories.
"""
