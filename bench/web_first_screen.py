#!/usr/bin/env python3
"""The phone pages' first screen, measured in Debian's headless Chromium (issue 20).

Against a running gateway (`cargo run -p yingshang-gateway -- up`), each of RUNS
cold loads (a fresh browser profile: nothing cached) of BASE/ on a 360×640 phone
screen: bytes on the wire
(the document and everything it loaded, as compressed), first contentful paint,
DOMContentLoaded and load, from the browser's own Navigation and Paint Timing.
Medians and maxima are printed as a Markdown table for BENCHMARKS.md.

    python3 bench/web_first_screen.py [--base http://127.0.0.1:3000] [--runs 10]
"""

import argparse
import json
import socket
import statistics
import subprocess
import time
import urllib.request

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

MEASURE = """
const nav = performance.getEntriesByType('navigation')[0];
const res = performance.getEntriesByType('resource');
const fcp = performance.getEntriesByName('first-contentful-paint')[0];
return {
  bytes: nav.transferSize + res.reduce((n, e) => n + e.transferSize, 0),
  requests: 1 + res.length,
  fcp_ms: fcp ? fcp.startTime : null,
  dcl_ms: nav.domContentLoadedEventEnd,
  load_ms: nav.loadEventEnd,
};
"""


def call(url, method="GET", body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)["value"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_load(driver, url, wait_for):
    session = call(f"{driver}/session", "POST", {"capabilities": {"alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--lang=zh-CN"],
            "mobileEmulation": {"deviceMetrics": {"width": 360, "height": 640, "pixelRatio": 2.0, "touch": True}},
        },
    }}})["sessionId"]
    s = f"{driver}/session/{session}"
    try:
        call(f"{s}/url", "POST", {"url": url})
        deadline = time.time() + 20
        while not call(f"{s}/execute/sync", "POST", {"script": f"return document.body.innerText.includes({json.dumps(wait_for)})", "args": []}):
            if time.time() > deadline:
                raise SystemExit(f"{url} never showed {wait_for!r}")
            time.sleep(0.05)
        time.sleep(0.3)  # let the load event and late resources settle
        return call(f"{s}/execute/sync", "POST", {"script": MEASURE, "args": []})
    finally:
        call(s, "DELETE")


def summary(name, samples):
    def col(key, fmt):
        values = [x[key] for x in samples if x[key] is not None]
        return fmt(statistics.median(values)), fmt(max(values))
    kb = lambda v: f"{v / 1024:.1f} KB"
    ms = lambda v: f"{v:.0f} ms"
    b, fcp, dcl, load = col("bytes", kb), col("fcp_ms", ms), col("dcl_ms", ms), col("load_ms", ms)
    req = samples[0]["requests"]
    return f"| {name} | {len(samples)} | {req} | {b[0]} (max {b[1]}) | {fcp[0]} (max {fcp[1]}) | {dcl[0]} (max {dcl[1]}) | {load[0]} (max {load[1]}) |"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", default="http://127.0.0.1:3000")
    p.add_argument("--runs", type=int, default=10)
    a = p.parse_args()
    port = free_port()
    driver_proc = subprocess.Popen([CHROMEDRIVER, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    driver = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                call(f"{driver}/status")
                break
            except OSError:
                time.sleep(0.1)
        screens = [("home `/`", f"{a.base}/", "一房一价")]
        print("| Screen | Cold loads | Requests | On the wire (median) | First contentful paint | DOMContentLoaded | Load |")
        print("|---|---|---|---|---|---|---|")
        for name, url, wait in screens:
            samples = [one_load(driver, url, wait) for _ in range(a.runs)]
            print(summary(name, samples))
    finally:
        driver_proc.kill()


if __name__ == "__main__":
    main()
