"""What a tracker file is: the vocabulary, policy, pydantic models, records, the YAML
dialect, the CQC framework catalogue, the repository layout and JSON Schema export.

Nothing here reads the repository or runs git; `store/` and `git/` do that, into
the records and history types defined here.
"""
