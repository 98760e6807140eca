#!/usr/bin/env python3
"""Python jsonschema validating every labelled JSONSchemaBench instance, the peer of the harness's
scoring throughput benchmark (packages/harness/src/structured/scoring.bench.ts).

Each instance is serialised to text beforehand; the timed loop does json.loads + is_valid against
a validator built beforehand for its schema (validator_for, Draft 2020-12 by default, with the
draft's format checker), one thread. A schema Python cannot build or an instance whose check raises
counts as invalid. Repeats the loop --repeats times and prints one line
'REPRO_BENCH_RESULT {json}' with the median, the format the harness reads from its bench processes.
"""
import argparse
import json
import os
import statistics
import sys
import time

import jsonschema
from jsonschema.validators import validator_for

SPLITS = ["Github_trivial", "Github_easy", "Glaiveai2K", "Handwritten", "Synthesized"]


def build(schema):
    cls = validator_for(schema, default=jsonschema.Draft202012Validator)
    checker = getattr(cls, "FORMAT_CHECKER", None) or jsonschema.FormatChecker()
    return cls(schema, format_checker=checker)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(os.environ.get("REPRO_DATA_MIRROR", ""), "jsonschemabench"))
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    items = []
    for split in SPLITS:
        with open(os.path.join(args.data, split + ".jsonl"), encoding="utf-8") as f:
            for line in f:
                entry = json.loads(line)
                try:
                    v = build(entry["schema"])
                except Exception:
                    v = None
                for t in entry["tests"]:
                    items.append((json.dumps(t["data"]), v))

    def run():
        ok = 0
        for text, v in items:
            inst = json.loads(text)
            try:
                ok += bool(v is not None and v.is_valid(inst))
            except Exception:
                pass
        return ok

    run()  # warm-up, as the tinybench side has
    times = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    from importlib.metadata import version
    print("REPRO_BENCH_META " + json.dumps({"jsonschema": version("jsonschema"), "python": sys.version.split()[0], "instances": len(items)}))
    print("REPRO_BENCH_RESULT " + json.dumps({"validate_all": {"medianMs": statistics.median(times), "samples": len(times)}}))


if __name__ == "__main__":
    main()
