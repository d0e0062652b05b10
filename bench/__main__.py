"""`uv run python -m bench [--quick|--full] [--only NAME] [--postgres-url URL]`."""

from __future__ import annotations

import datetime as dt
import json
import sys

from bench import procs, report
from bench.run import Bench, parse, workspace


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    began = dt.datetime.now(dt.UTC)
    with workspace(args.keep) as workdir:
        bench = Bench(args, workdir)
        print(f"liteproject benchmark: load by {bench.loader}, {bench.connections} connections", flush=True)
        try:
            results = bench.run()
        finally:
            bench.stop_all()
    ratio_of = report.ratios(results)
    document = {
        "date": began.isoformat(timespec="seconds"),
        "machine": procs.machine(),
        "options": {
            "size": "quick" if args.quick else "full" if args.full else "default",
            "only": args.only or [],
            "loader": bench.loader,
            "connections": bench.connections,
            "duration_s": bench.sizes.duration,
        },
        **results,
        "ratios": ratio_of,
    }
    document["goals"] = report.goals(results, ratio_of)
    document["wall_s"] = round((dt.datetime.now(dt.UTC) - began).total_seconds(), 1)
    args.output.write_text(json.dumps(document, indent=2) + "\n")
    print()
    print(report.table(document))
    print(f"\nwritten to {args.output} in {document['wall_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
