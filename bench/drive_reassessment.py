#!/usr/bin/env python3
"""Drives re-assessment runs to the end, as an agency's scheduled job would: one
process, one keep-alive HTTP connection per worker, `POST /reassessments` then
`POST /reassessments/{id}/next?limit=N` until the run is finished.

Used by bench/valuation-full.sh. Before, the script forked curl and python per call
(about 130 ms a call on this machine, 8 of the 24 seconds a city run took, with the
gateway idle meanwhile): that measured the driver, not the re-assessment.

    drive_reassessment.py [--lanes L] BASE KEY LIMIT WORKERS CODE [CODE ...]

Runs one re-assessment per CODE (a city's or a county's division code), WORKERS at a
time (each worker takes the next code as it finishes one). With `--lanes L` each run
is created in L lanes and driven by L threads at once, one per lane (`next?lane=K`),
each on its own connection. Prints one line per run on stderr and, on stdout,
`seconds processed failed runs calls` for the whole.
"""
import http.client
import json
import queue
import sys
import threading
import time
import urllib.parse


class Client:
    """One keep-alive connection with the agency key."""

    def __init__(self, base, key):
        url = urllib.parse.urlsplit(base)
        self.conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        self.headers = {"authorization": f"Bearer {key}", "content-type": "application/json"}

    def post(self, path, body=b""):
        self.conn.request("POST", path, body=body, headers=self.headers)
        r = self.conn.getresponse()
        data = r.read()
        if r.status // 100 != 2:
            raise RuntimeError(f"POST {path}: {r.status} {data[:300]!r}")
        return json.loads(data)

    def close(self):
        self.conn.close()


def drive_lane(base, key, run_id, lane, limit, out, failures):
    """Calls `next?lane=` until that lane is finished; appends (calls, last answer)."""
    client = Client(base, key)
    try:
        calls, run = 0, None
        while run is None or run["lanes"][lane]["status"] != "finished":
            run = client.post(f"/api/valuation/reassessments/{run_id}/next?lane={lane}&limit={limit}")
            calls += 1
        out.append((calls, run))
    except Exception as e:
        failures.append(e)
    finally:
        client.close()


def drive(base, key, limit, lanes, codes, results, failures):
    client = Client(base, key)
    try:
        while True:
            try:
                code = codes.get_nowait()
            except queue.Empty:
                return
            t0 = time.monotonic()
            body = {"city_code": code, "lanes": lanes}
            run = client.post("/api/valuation/reassessments", json.dumps(body).encode())
            calls = 0
            if lanes > 1:
                out, lane_failures = [], []
                threads = [threading.Thread(target=drive_lane,
                                            args=(base, key, run["id"], k, limit, out, lane_failures))
                           for k in range(len(run["lanes"]))]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                if lane_failures:
                    raise lane_failures[0]
                calls = sum(c for c, _ in out)
                run = client.post(f"/api/valuation/reassessments/{run['id']}/next?limit={limit}")
            while run["status"] != "finished":
                run = client.post(f"/api/valuation/reassessments/{run['id']}/next?limit={limit}")
                calls += 1
            secs = time.monotonic() - t0
            print(f">>   run {run['id']} ({code}, {len(run['lanes'])} lanes): {run['processed']} "
                  f"processed ({run['failed']} failed) in {calls} calls, {secs:.1f} s", file=sys.stderr)
            results.append((run["processed"], run["failed"], calls))
    except Exception as e:  # reported by the main thread: a benchmark that failed says so
        failures.append(e)
    finally:
        client.close()


def main():
    args = sys.argv[1:]
    lanes = 1
    if args[:1] == ["--lanes"]:
        lanes, args = int(args[1]), args[2:]
    base, key, limit, workers, *codes = args
    todo = queue.Queue()
    for c in codes:
        todo.put(c)
    results, failures = [], []
    t0 = time.monotonic()
    threads = [threading.Thread(target=drive, args=(base, key, int(limit), lanes, todo, results, failures))
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
