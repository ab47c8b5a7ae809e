#!/usr/bin/env python3
"""Drives re-assessment runs to the end, as an agency's scheduled job would: one
process, one keep-alive HTTP connection per worker, `POST /reassessments` then
`POST /reassessments/{id}/next?limit=N` until the run is finished.

Used by bench/valuation-full.sh. Before, the script forked curl and python per call
(about 130 ms a call on this machine, 8 of the 24 seconds a city run took, with the
gateway idle meanwhile): that measured the driver, not the re-assessment.

    drive_reassessment.py BASE KEY LIMIT WORKERS CODE [CODE ...]

Runs one re-assessment per CODE (a city's or a county's division code), WORKERS at a
time (each worker takes the next code as it finishes one). Prints one line per run
on stderr and, on stdout, `seconds processed failed runs calls` for the whole.
"""
import http.client
import json
import queue
import sys
import threading
import time
import urllib.parse


def drive(base, key, limit, codes, results, failures):
    url = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
    headers = {"authorization": f"Bearer {key}", "content-type": "application/json"}

    def post(path, body=b""):
        conn.request("POST", path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        if r.status // 100 != 2:
            raise RuntimeError(f"POST {path}: {r.status} {data[:300]!r}")
        return json.loads(data)

    try:
        while True:
            try:
                code = codes.get_nowait()
            except queue.Empty:
                return
            t0 = time.monotonic()
            run = post("/api/valuation/reassessments", json.dumps({"city_code": code}).encode())
            calls = 0
            while run["status"] != "finished":
                run = post(f"/api/valuation/reassessments/{run['id']}/next?limit={limit}")
                calls += 1
            secs = time.monotonic() - t0
            print(f">>   run {run['id']} ({code}): {run['processed']} processed "
                  f"({run['failed']} failed) in {calls} calls, {secs:.1f} s", file=sys.stderr)
            results.append((run["processed"], run["failed"], calls))
    except Exception as e:  # reported by the main thread: a benchmark that failed says so
        failures.append(e)
    finally:
        conn.close()


def main():
    base, key, limit, workers, *codes = sys.argv[1:]
    todo = queue.Queue()
    for c in codes:
        todo.put(c)
    results, failures = [], []
    t0 = time.monotonic()
    threads = [threading.Thread(target=drive, args=(base, key, int(limit), todo, results, failures))
               for _ in range(int(workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    secs = time.monotonic() - t0
    if failures:
        sys.exit(f"re-assessment failed: {failures[0]}")
    processed = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    calls = sum(r[2] for r in results)
    print(f"{secs:.1f} {processed} {failed} {len(results)} {calls}")


if __name__ == "__main__":
    main()
