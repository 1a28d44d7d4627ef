"""Latency of POST /v1/codify through the local stack (HTTP front, authorizer, handler, real coder, moto).

    python -m codify_cli.local.bench --notes DIR [--limit 50]

Prints the coder's load time and p50/p95/max request latency; no note text is printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="codify-bench")
    parser.add_argument("--notes", type=Path, required=True, help="folder of .txt notes")
    parser.add_argument("--limit", type=int, default=50)
    args = parser.parse_args(argv)

    import requests
    from authorizer.tokens import ALL_SCOPES, TokenRecord, hash_token, new_token, now_iso

    from . import stack
    from .front import LocalApi, make_server

    notes = sorted(args.notes.glob("*.txt"))[: args.limit]
    if not notes:
        raise SystemExit(f"no .txt notes in {args.notes}")
    moto = stack.boot()
    from common import aws
    from common.observability import logger

    logger.setLevel("WARNING")  # one INFO line per request would bury the summary
    from common.coder import get_coder
    from common.settings import authorizer_settings

    token = new_token()
    aws.dynamodb().Table(authorizer_settings().tokens_table).put_item(
        Item=TokenRecord(hash_token(token), "bench", "bench", ALL_SCOPES, now_iso()).to_item()
    )
    started = time.perf_counter()
    model = get_coder().model
    load_s = time.perf_counter() - started

    server = make_server(LocalApi(), "127.0.0.1", 0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1/codify"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    latencies, codes, sizes = [], [], []
    with requests.Session() as http:
        for path in notes:
            text = path.read_text(encoding="utf-8")[:51_200]
            t0 = time.perf_counter()
            r = http.post(url, headers=headers, data=json.dumps({"text": text}), timeout=120)
            latencies.append((time.perf_counter() - t0) * 1000)
            r.raise_for_status()
            codes.append(len(r.json()["final_assessments"]))
            sizes.append(len(text.encode("utf-8")))
    server.shutdown()
    moto.stop()
    q = statistics.quantiles(latencies, n=20) if len(latencies) > 1 else latencies * 19
    print(json.dumps({
        "model": f"{model.id} {model.version}",
        "notes": len(notes),
        "coder_load_s": round(load_s, 2),
        "latency_ms": {"p50": round(statistics.median(latencies), 1), "p95": round(q[18], 1),
                       "max": round(max(latencies), 1), "mean": round(statistics.fmean(latencies), 1)},
        "note_bytes_mean": round(statistics.fmean(sizes)),
        "final_codes_mean": round(statistics.fmean(codes), 2),
    }, indent=2))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
