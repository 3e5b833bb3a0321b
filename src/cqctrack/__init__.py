"""cqctrack: CQC improvement action trackers kept as YAML files in git."""

__version__ = "0.1.0"
