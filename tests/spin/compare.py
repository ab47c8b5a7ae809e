#!/usr/bin/env python3
"""Runs the repository's spin.toml on the real Spin and on our gateway, side by side,
and compares what each answers to the same requests.

Not part of `cargo test`: the real Spin is not installed on a clean machine. Usage
(after `cargo build -p yingshang-gateway` and a build of the functions, e.g. by
`cargo test -p yingshang-e2e --test e2e -- real_manifest`):

    xz -dc ../shared/tools/spin/spin.xz > /tmp/spin && chmod +x /tmp/spin
    python3 tests/spin/compare.py --spin /tmp/spin

Both run with the same secrets, without schedules (Spin runs none), with the schema
applied (`--sqlite @file` on Spin, the migrations on the gateway); the demo data is
loaded by calling the same routes on both. Each request's status, content type and
JSON body are compared after volatile fields (request ids, times, generated ids) are
masked. Exit status 1 if any answer differs.
"""

import argparse
import base64
import glob
import hashlib
import hmac
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JWT_SECRET = "compare-jwt-secret-0123456789abcdef0123456789"
BOOTSTRAP = "ysk_0123456789abcdef_" + "A" * 43
SECRETS = {
    "auth_jwt_secret": JWT_SECRET,
    "bootstrap_api_key": BOOTSTRAP,
    "payment_channel_secret": "compare-channel-secret-0123456789abcdef",
    "registry_handoff_secret": "compare-registry-secret-0123456789abcdef",
    "checkin_code_secret": "compare-checkin-code-secret-0123456789abcdef",
    "intermediary_webhook_secret": "compare-intermediary-secret-0123456789abcdef",
}
# Fields whose values differ between any two runs.
VOLATILE = {
    "request_id", "instance", "id", "created_at", "updated_at", "at", "received_at",
    "requested_datetime", "updated_datetime", "generated_at", "claimed_before",
    "session_id", "case_id", "service_request_id", "trace_id", "matched_at", "since", "case", "next_cursor",
    "arrived_at", "started_at", "scanned_at", "expires_at", "scan", "left_at", "rated_at", "closes_at",
    "complaint_case", "next", "commitment", "ocid", "published_at", "publishedDate", "bid_deadline",
    "registered_at", "finished_at",
}
DEMO_UNIT = "410302001001GB00001F00010101"
DEMO_ENTERPRISE = "91411502MA4000000H"  # in the tax demo enterprises


def district_trail(base, lanes):
    """Every answer of a district's re-assessment in `lanes` lanes, driven to its end
    in chunks of 100, the lanes called in turn."""
    body = {"city_code": "410302", "assessed_on": "2025-06-30"}
    if lanes > 1:
        body["lanes"] = lanes
    answer = call(base, "POST", "/api/valuation/reassessments", BOOTSTRAP, body)
    trail = [comparable(*answer)]
    run = json.loads(answer[2]) if answer[0] == 201 else {"status": "finished"}
    turn = 0
    while run.get("status") != "finished" and len(trail) < 100:
        lane = f"&lane={turn % lanes}" if lanes > 1 else ""
        answer = call(base, "POST", f"/api/valuation/reassessments/{run['id']}/next?limit=100{lane}",
                      BOOTSTRAP)
        trail.append(comparable(*answer))
        run = json.loads(answer[2]) if answer[0] == 200 else {"status": "finished"}
        turn += 1
    return trail


def id_number(region, birth, seq):
    """A resident ID number with its GB 11643 check digit."""
    body = f"{region}{birth}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(body, weights))
    return body + "10X98765432"[total % 11]


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(sub, role, org=None, id_number=None):
    now = int(time.time())
    claims = {"sub": sub, "role": role, "iat": now, "exp": now + 3600}
    if org:
        claims["org"] = org
    if id_number:
        claims["id_number"] = id_number
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    mac = hmac.new(JWT_SECRET.encode(), f"{head}.{body}".encode(), hashlib.sha256)
    return f"{head}.{body}.{b64(mac.digest())}"


def code_token(credit_code, serial=1):
    """An enterprise code's token, as shared/src/checkin/code.rs signs it."""
    msg = f"yingshang/checkin/enterprise-code/v1\n{credit_code}\n{serial}".encode()
    mac = hmac.new(SECRETS["checkin_code_secret"].encode(), msg, hashlib.sha256).digest()[:16]
    return f"{credit_code}.{serial}.{b64(mac)}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(base, proc, what):
    for _ in range(600):
        if proc.poll() is not None:
            sys.exit(f"{what} exited with {proc.returncode}")
        try:
            urllib.request.urlopen(base + "/.well-known/spin/health", timeout=1)
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    sys.exit(f"{what} did not come up")


def call(base, method, path, bearer=None, body=None, headers=None):
    data = None
    h = dict(headers or {})
    if bearer:
        h["Authorization"] = f"Bearer {bearer}"
    if body is not None:
        if isinstance(body, (bytes, str)):
            data = body.encode() if isinstance(body, str) else body
            h.setdefault("Content-Type", "application/json")
        else:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(base + path, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.headers.get("content-type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("content-type", ""), e.read()


def masked(value):
    if isinstance(value, dict):
        return {k: ("<volatile>" if k in VOLATILE else masked(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def comparable(status, ctype, raw):
    ctype = ctype.split(";")[0].strip()
    # Each server names itself by its own port.
    raw = re.sub(rb"http://127\.0\.0\.1:\d+", b"http://<server>", raw)
    # Generated ids inside URLs (a survey's answer route).
    raw = re.sub(rb"/surveys/[0-9A-HJKMNP-TV-Z]{26}/", b"/surveys/<id>/", raw)
    if "json" in ctype:
        try:
            return status, ctype, masked(json.loads(raw))
        except ValueError:
            pass
    text = raw.decode("utf-8", "replace")
    # XML: the same volatile fields, as elements.
    for tag in sorted(VOLATILE):
        text = re.sub(f"<{tag}>[^<]*</{tag}>", f"<{tag}>volatile</{tag}>", text)
    return status, ctype, text


def requests_to_compare():
    citizen = token("demo-citizen", "citizen")
    officer = token("demo-officer", "officer", "ly-tax")
    other_officer = token("other-officer", "officer", "ly-housing")
    enterprise = token("demo-enterprise", "enterprise", DEMO_ENTERPRISE)
    buyer, seller = id_number("410302", "19900517", 11), id_number("410302", "19700109", 33)
    buyer_token = token("demo-buyer", "citizen", id_number=buyer)
    contract = {
        "unit_code": DEMO_UNIT, "contract_price_fen": 120_000_000, "area_m2": "89.50",
        "contract_date": "2026-03-01", "usage": "residential", "location": "city",
        "buyer": {"id_number": buyer, "account": "demo-buyer"},
        "seller": {"id_number": seller, "account": "seller-1",
                   "facts": {"certificate_date": "2020-03-01", "family_only_home": False}},
        "documents": ["contract-2026-0001"],
        "pledge": {"signed_by": buyer, "signed_on": "2026-03-01", "homes_owned": 0},
    }
    yield "valuation lookup", "GET", f"/api/valuation/units/{DEMO_UNIT}", citizen, None
    yield "valuation unknown unit", "GET", "/api/valuation/units/410302001001GB00001F99990101", citizen, None
    yield "valuation no token", "GET", f"/api/valuation/units/{DEMO_UNIT}", None, None
    for base in ("valuation", "tax", "power", "complaints", "checkin", "intermediary"):
        yield f"{base} openapi document", "GET", f"/api/{base}/openapi.json", None, None
        yield f"{base} api reference page", "GET", f"/api/{base}/docs", None, None
    # The web pages: the same build mounted with `files` on both.
    yield "web shell", "GET", "/", None, None
    yield "web client route", "GET", "/valuation", None, None
    shell = open(os.path.join(ROOT, "web/dist/index.html"), encoding="utf-8").read()
    entry = re.search(r'/assets/index-[^"]+\.js', shell)
    if entry:
        yield "web hashed asset", "GET", entry.group(0), None, None
    yield "web missing asset", "GET", "/assets/missing-0.js", None, None
    yield "web unknown api path", "GET", "/api/no-such-function/x", None, None
    yield "web write", "POST", "/", None, {}
    # Off on both: the secret is the operator's (given), not one the gateway generated.
    yield "web development sign-in off", "POST", "/api/web/dev-sign-in", None, {"role": "citizen"}
    yield "valuation bad json", "POST", "/api/valuation/assessments", officer, "[1,2]"
    yield "valuation run in too many lanes", "POST", "/api/valuation/reassessments", BOOTSTRAP, \
        {"city_code": "410302", "lanes": 17}
    yield "tax catalogue", "GET", "/api/tax/policies/catalogue", enterprise, None
    yield "tax assessment unverified", "POST", "/api/tax/assessments", token("demo-buyer", "citizen"), contract
    yield "tax assessment by the buyer", "POST", "/api/tax/assessments", buyer_token, contract
    yield "tax flags other agency", "GET", "/api/tax/risk-flags", other_officer, None
    yield "tax flags tax officer", "GET", "/api/tax/risk-flags", officer, None
    yield "tax enterprise policies", "GET", f"/api/tax/enterprises/{DEMO_ENTERPRISE}/policies", enterprise, None
    yield "power expire needs scope", "POST", "/api/power/idempotency/expire", citizen, None
    yield "power expire", "POST", "/api/power/idempotency/expire", BOOTSTRAP, None
    yield "tax expire", "POST", "/api/tax/idempotency/expire", BOOTSTRAP, None
    yield "valuation expire", "POST", "/api/valuation/idempotency/expire", BOOTSTRAP, None
    yield "power unknown route", "GET", "/api/power/nowhere", citizen, None
    yield "power wrong method", "DELETE", "/api/power/sessions", citizen, None
    if os.path.exists(os.path.join(ROOT, "functions", "complaints")):
        yield "complaints services json", "GET", "/api/complaints/open311/v2/services.json", None, None
        yield "complaints services xml", "GET", "/api/complaints/open311/v2/services.xml", None, None
        yield "complaints discovery", "GET", "/api/complaints/open311/v2/discovery.json", None, None
        yield "complaints typical", "GET", "/api/complaints/typical", None, None
        yield "complaints own list", "GET", "/api/complaints/cases", enterprise, None
        filing = {"channel": "online", "enterprise": DEMO_ENTERPRISE, "category": "permits",
                  "description": "施工许可审批超过承诺时限仍未办结。"}
        yield "complaints file", "POST", "/api/complaints/cases", enterprise, filing
        yield "complaints file other", "POST", "/api/complaints/cases", enterprise, \
            dict(filing, enterprise="91350100M000100Y43")
        yield "complaints office list", "GET", "/api/complaints/cases?limit=3", BOOTSTRAP, None
        yield "complaints warnings", "GET", "/api/complaints/warnings", BOOTSTRAP, None
        yield "complaints suggestions", "GET", "/api/complaints/typical/suggestions", BOOTSTRAP, None
        yield "complaints suggestions refused", "GET", "/api/complaints/typical/suggestions", enterprise, None
        yield "complaints analysis", "GET", "/api/complaints/analysis/monthly?month=2026-11", BOOTSTRAP, None
        yield "complaints analysis csv", "GET", "/api/complaints/analysis/monthly?month=2026-11&format=csv", BOOTSTRAP, None
        yield "complaints open311 requests", "GET", "/api/complaints/open311/v2/requests.xml", None, None
    if os.path.exists(os.path.join(ROOT, "functions", "checkin")):
        code = f"/api/checkin/enterprises/{DEMO_ENTERPRISE}"
        landing = f"/api/checkin/landing/{code_token(DEMO_ENTERPRISE)}"
        forged = code_token(DEMO_ENTERPRISE, 2)
        zhang = token("officer-zhang", "officer", "jy-market")
        li = token("officer-li", "officer", "jy-market")
        scan = {"code": "http://x" + landing, "kind": "routine", "item": "SC-FOOD-01",
                "approval_ref": "济市监检〔2026〕12号"}
        month = time.strftime("%Y-%m", time.gmtime(time.time() + 8 * 3600))
        yield "checkin code", "GET", code + "/code", enterprise, None
        yield "checkin code png", "GET", code + "/code.png?scale=4", enterprise, None
        yield "checkin code svg", "GET", code + "/code.svg", enterprise, None
        yield "checkin poster", "GET", code + "/poster.svg", enterprise, None
        yield "checkin code other enterprise", "GET", code + "/code", token("x", "enterprise", "91350100M000100Y43"), None
        yield "checkin landing anonymous", "GET", landing, None, None
        yield "checkin landing enterprise (tax, complaints chained)", "GET", landing, enterprise, None
        yield "checkin landing revoked serial", "GET", "/api/checkin/landing/" + forged, None, None
        yield "checkin landing garbage", "GET", "/api/checkin/landing/nothing", None, None
        yield "checkin agency", "GET", "/api/checkin/agencies/jy-market", None, None
        yield "checkin scan first officer", "POST", "/api/checkin/scans", zhang, scan
        yield "checkin scan one officer only", "POST", "/api/checkin/scans", zhang, dict(scan, item="SC-FOOD-01")
        yield "checkin scan second officer", "POST", "/api/checkin/scans", li, scan
        yield "checkin scan unpublished item", "POST", "/api/checkin/scans", li, dict(scan, item="NOPE")
        yield "checkin inspections of the enterprise", "GET", "/api/checkin/inspections", enterprise, None
        yield "checkin statistics", "GET", f"/api/checkin/stats/monthly?month={month}", None, None
        yield "checkin statistics csv", "GET", f"/api/checkin/stats/monthly?month={month}&format=csv", None, None
        yield "checkin warnings", "GET", "/api/checkin/warnings", BOOTSTRAP, None
    if os.path.exists(os.path.join(ROOT, "functions", "intermediary")):
        agency = "91410100MA0000009N"  # a valid code, not a demo agency: registers here
        agency_token = token("agency-user", "enterprise", agency)
        owner = token("owner-user", "enterprise", DEMO_ENTERPRISE)
        yield "intermediary items", "GET", "/api/intermediary/items", None, None
        yield "intermediary providers", "GET", "/api/intermediary/providers", None, None
        yield "intermediary register", "POST", "/api/intermediary/providers", agency_token, {
            "name": "郑州比对评估有限公司", "phone": "13800000013",
            "qualifications": [{"qualification": "env-assessment", "certificate": "C-13", "valid_until": "2028-12-31"}]}
        yield "intermediary register twice", "POST", "/api/intermediary/providers", agency_token, {
            "name": "郑州比对评估有限公司", "phone": "13800000013",
            "qualifications": [{"qualification": "env-assessment", "certificate": "C-13", "valid_until": "2028-12-31"}]}
        yield "intermediary decision by an enterprise", "POST", \
            f"/api/intermediary/providers/{agency}/qualifications/env-assessment/decision", owner, {"approve": True}
        yield "intermediary decision by staff", "POST", \
            f"/api/intermediary/providers/{agency}/qualifications/env-assessment/decision", BOOTSTRAP, {"approve": True}
        yield "intermediary open projects", "GET", "/api/intermediary/projects?status=open", None, None
        yield "intermediary bad status", "GET", "/api/intermediary/projects?status=nope", None, None
        yield "intermediary credit feed", "GET", "/api/intermediary/credit-events", None, None
        yield "intermediary sweep", "POST", "/api/intermediary/sweep", BOOTSTRAP, None
        yield "intermediary dispatch", "POST", "/api/intermediary/notifications/dispatch", BOOTSTRAP, None


DEMO_ROUTES = [
    ("POST", "/api/valuation/demo-data"),
    ("POST", "/api/tax/policies/demo-data"),
    ("POST", "/api/complaints/demo-data"),
    ("POST", "/api/checkin/demo-data"),
    ("POST", "/api/intermediary/demo-data"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spin", default="/tmp/spin")
    ap.add_argument("--gateway", default=os.path.join(ROOT, "target/debug/yingshang"))
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="spin-compare-")
    app = os.path.join(work, "app")
    os.makedirs(os.path.join(app, "target/wasm32-wasip2/wasm"))
    shutil.copy(os.path.join(ROOT, "spin.toml"), app)
    for wasm in glob.glob(os.path.join(ROOT, "target/wasm32-wasip2/wasm/*.wasm")):
        shutil.copy(wasm, os.path.join(app, "target/wasm32-wasip2/wasm"))
    shutil.copytree(os.path.join(ROOT, "infra/migrations"), os.path.join(app, "infra/migrations"))
    # The web component's `files` (the built pages, `npm run build` in web/).
    shutil.copytree(os.path.join(ROOT, "web/dist"), os.path.join(app, "web/dist"))
    migrations = sorted(glob.glob(os.path.join(app, "infra/migrations/sqlite/*.sql")))

    spin_port, gw_port = free_port(), free_port()
    env = dict(os.environ)
    for k, v in SECRETS.items():
        env["SPIN_VARIABLE_" + k.upper()] = v
    spin_cmd = [args.spin, "up", "--listen", f"127.0.0.1:{spin_port}"]
    for m in migrations:
        spin_cmd += ["--sqlite", "@" + os.path.relpath(m, app)]
    gw_cmd = [args.gateway, "up", "--from", os.path.join(app, "spin.toml"), "--no-build",
              "--no-schedules", "--listen", f"127.0.0.1:{gw_port}",
              "--admin-listen", f"127.0.0.1:{free_port()}", "--state-dir", os.path.join(work, "gw")]
    for k, v in SECRETS.items():
        gw_cmd += ["--variable", f"{k}={v}"]
    logs = open(os.path.join(work, "servers.log"), "w")
    spin = subprocess.Popen(spin_cmd, cwd=app, env=env, stdout=logs, stderr=logs)
    gw = subprocess.Popen(gw_cmd, cwd=app, stdout=logs, stderr=logs)
    bases = {"spin": f"http://127.0.0.1:{spin_port}", "gateway": f"http://127.0.0.1:{gw_port}"}
    failures = 0
    try:
        wait_up(bases["spin"], spin, "spin")
        wait_up(bases["gateway"], gw, "gateway")
        for method, path in DEMO_ROUTES:
            if "complaints" in path and not os.path.exists(os.path.join(ROOT, "functions", "complaints")):
                continue
            for name, base in bases.items():
                status, _, raw = call(base, method, path, BOOTSTRAP)
                if status >= 300:
                    print(f"demo data {path} on {name}: {status} {raw[:200]!r}")
        total = 0
        for label, method, path, bearer, body in requests_to_compare():
            total += 1
            key = {"Idempotency-Key": "compare-" + label.replace(" ", "-")}
            if label.startswith(("checkin code", "checkin poster")):
                # The code carries the caller's host: the same Host on both servers
                # gives the same image.
                key["Host"] = "yingshang.test"
            answers = {n: comparable(*call(b, method, path, bearer, body, key)) for n, b in bases.items()}
            if answers["spin"] == answers["gateway"]:
                status, _, content = answers["spin"]
                code = content.get("code", "") if isinstance(content, dict) else ""
                print(f"same  {status}  {label} {code}")
            else:
                failures += 1
                print(f"DIFF  {label}: {method} {path}")
                for n, a in answers.items():
                    print(f"      {n}: {str(a)[:400]}")
        # A district's re-assessment driven to its end, chunk by chunk, on each server
        # (the run's id is each server's own): every answer along the way compared;
        # then the same in two lanes, called in turn (lane 0, lane 1, lane 0, …).
        for label, lanes in (("valuation district run", 1), ("valuation district run in 2 lanes", 2)):
            total += 1
            trails = {n: district_trail(b, lanes) for n, b in bases.items()}
            if trails["spin"] == trails["gateway"]:
                last = trails["spin"][-1][2]
                print(f"same  200  {label} ({len(trails['spin'])} answers, "
                      f"{last.get('processed')} of {last.get('total')} processed)")
            else:
                failures += 1
                print(f"DIFF  {label}")
                for n, t in trails.items():
                    print(f"      {n}: {str(t)[:600]}")
        print(f"{total - failures} of {total} answered identically ({work})")
    finally:
        for p in (spin, gw):
            p.terminate()
        for p in (spin, gw):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
