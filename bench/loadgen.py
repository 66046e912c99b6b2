"""A closed-loop HTTP load generator, run by bench/api.py in a process of its own.

    python bench/loadgen.py SPEC.json

SPEC names the base URL, the headers, the requests to cycle through, the number of threads and the seconds
to run; each thread keeps one request in flight (httpx, one client per thread). It prints one JSON object:
the requests made, the non-2xx answers, the seconds and every latency in milliseconds.
"""

import json
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx


def _worker(spec: dict[str, Any], seed: int, deadline: float, latencies: list[float], errors: list[int]) -> None:
    rng = random.Random(seed)  # noqa: S311 (a reproducible order of requests, not a secret)
    requests = spec["requests"]
    with httpx.Client(base_url=spec["base_url"], headers=spec["headers"], timeout=30.0) as client:
        while time.perf_counter() < deadline:
            request = requests[rng.randrange(len(requests))]
            started = time.perf_counter()
            response = client.request(request["method"], request["path"], json=request.get("json"))
            latencies.append(1000 * (time.perf_counter() - started))
            if not 200 <= response.status_code < 300:
                errors.append(response.status_code)


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    latencies: list[float] = []
    errors: list[int] = []
    started = time.perf_counter()
    deadline = started + float(spec["seconds"])
    threads = [
        threading.Thread(target=_worker, args=(spec, spec.get("seed", 0) + n, deadline, latencies, errors))
        for n in range(int(spec["threads"]))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(
        json.dumps(
            {
                "requests": len(latencies),
                "errors": errors[:20],
                "error_count": len(errors),
                "seconds": time.perf_counter() - started,
                "latencies_ms": latencies,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
