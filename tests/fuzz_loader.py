"""A fuzz target for the loader: any bytes, read as any tracker file, end in a value or a
finding, never an exception (issue 12). The suite runs a short hypothesis search
(tests/test_properties.py); `make fuzz` runs this module's mutation loop for longer:

    python -m tests.fuzz_loader --iterations 20000 --seed 1

It mutates the corpus (tests/corpus/) and the example trackers byte by byte, splices
them together and feeds each result to `one(data)`. A crash prints the input
(repr) and exits 1; otherwise it prints how many inputs ran without one.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

from cqctrack.format import dialect, places, roundtrip
from cqctrack.store.load import parse_file

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("action", "tracker", "concern", "measure", "config")
_TOKENS = (
    b"\t", b"\r\n", b"\xef\xbb\xbf", b"...", b"---", b"!!int ", b"!!str ", b"&a ", b"*a",
    b"[", b"]", b"{", b"}", b"? ", b": ", b"- ", b"#", b"'", b'"', b"\\x1b", b"\\u202e",
    b"9" * 200, b"<<<<<<< ours\n", b"\x00", b"\xff", b"\n  ", b"|\n", b">-\n",
)  # fmt: skip


def seeds() -> list[bytes]:
    paths = [*(ROOT / "tests" / "corpus").rglob("*.yaml"), *(ROOT / "trackers").rglob("*.yaml")]
    return [p.read_bytes()[:20_000] for p in sorted(paths)]


def one(data: bytes, folder: Path) -> None:
    """Read `data` as every kind of file the way the store and the editor do."""
    path = folder / "case.yaml"
    path.write_bytes(data)
    for kind in KINDS:
        findings, plain = parse_file(str(path), "case.yaml", kind)
        assert findings or plain is not None
        for finding in findings:
            assert finding.message and finding.code
    try:
        dialect.parse(data)
    except dialect.YamlProblem:
        return
    problem = roundtrip.editable_problem(data)
    if problem is None:
        assert roundtrip.open_text(data).render() == data
    text = dialect.decode(data)
    places.Locator(text).find(("evidence", 0, "kind"))


def mutate(rng: random.Random, pool: list[bytes]) -> bytes:
    data = bytearray(rng.choice(pool))
    for _ in range(rng.randint(1, 6)):
        choice = rng.random()
        at = rng.randint(0, len(data))
        if choice < 0.3 and data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif choice < 0.6:
            data[at:at] = rng.choice(_TOKENS)
        elif choice < 0.8 and data:
            del data[at : at + rng.randint(1, 20)]
        else:
            other = rng.choice(pool)
            start = rng.randint(0, len(other))
            data[at:at] = other[start : start + rng.randint(1, 200)]
    return bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--iterations", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    pool = seeds()
    with tempfile.TemporaryDirectory() as folder:
        for n in range(args.iterations):
            data = mutate(rng, pool)
            try:
                one(data, Path(folder))
            except Exception as err:
                print(f"crash after {n} inputs: {type(err).__name__}: {err}\ninput: {data!r}")
                return 1
    print(f"{args.iterations} inputs (seed {args.seed}) without a crash")
    return 0


if __name__ == "__main__":
    sys.exit(main())
