"""Finding, reading and caching tracker files: the one reading path.

`root.locate` finds the repository, `discover.discover` lists its files,
`load.load` reads and validates them into a `format.snapshot.Snapshot`, and
`files.checker` says whether an evidence file a record points at is there.
"""
