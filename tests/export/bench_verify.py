"""How long a signed JSON export and `coach verify` (signature, chains, seals,
and a replay of every person's attempts) take on a synthetic team.

Reuses the store of `tests/bench/export.py` (N learners × M attempts with the
standings and level events recording leaves behind), then times, in-process:
the signed JSON export, and the full verification of the file.

    .venv/bin/python tests/export/bench_verify.py [--learners 200] [--attempts 100]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from export import populate  # type: ignore[import-not-found]

from coach.content import load_catalog
from coach.export import build_export, verify_data, write_json
from coach.export.orgkey import OrgKey
from coach.export.signing import seal_key
from coach.store import open_store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--attempts", type=int, default=100)
    args = parser.parse_args()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = OrgKey(Ed25519PrivateKey.generate(), "bench")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        populate(url, args.learners, args.attempts)
        catalog = load_catalog()
        out = Path(folder) / "team.json"
        with open_store(url) as store:
            started = time.perf_counter()
            result = build_export(store, catalog, store.list_learners(), seal_key=seal_key(key))
            write_json(result, out, key)
            exported = time.perf_counter() - started
        started = time.perf_counter()
        data = json.loads(out.read_text(encoding="utf-8"))
        verdict = verify_data(data, org_key=key)
        verified = time.perf_counter() - started
        size = out.stat().st_size
    print(
        f"{args.learners} learners × {args.attempts} attempts: signed JSON export "
        f"{exported:.1f} s, verify {verified:.1f} s "
        f"({1000 * verified / (args.learners * args.attempts):.2f} ms per attempt); "
        f"{size / 1e6:.1f} MB; ok={verdict.ok} {verdict.first or ''}"
    )


if __name__ == "__main__":
    main()
