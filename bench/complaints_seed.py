#!/usr/bin/env python3
"""Grows the complaints ledger of a gateway's SQLite database to N cases for
bench/complaints.sh: the cases the function's demo data filed are the templates;
each copy gets its own id, its own enterprise (valid credit codes), a lead
department from the catalogue when the template has one, and all its times moved
back together so that the copies spread evenly over the year before now.

    python3 bench/complaints_seed.py DB_FILE N

The rows are what the function itself stores: the core's case state as JSON, and
the columns its lists, sweep and analysis filter on.
"""

import datetime as dt
import json
import os
import random
import re
import sqlite3
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOGUE = os.path.join(ROOT, "shared/src/complaints/catalogue.json")
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
TIME = re.compile(r'"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)"')


def ulid(ms, rnd):
    out = []
    for _ in range(10):
        out.append(CROCKFORD[ms % 32])
        ms //= 32
    t = "".join(reversed(out))
    r = "".join(CROCKFORD[rnd.randrange(32)] for _ in range(16))
    return t + r


def credit_code(n):
    """A valid unified social credit code (GB 32100-2015 check character)."""
    body = "91410100MA" + "".join(CREDIT_CHARS[(n // 31**k) % 31] for k in range(7))
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS))
    check = (31 - total % 31) % 31
    return body + CREDIT_CHARS[check]


def parse_time(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def shifted(state_text, delta):
    def move(m):
        t = parse_time(m.group(1)) - delta
        return '"' + t.strftime("%Y-%m-%dT%H:%M:%S.%fZ") + '"'
    return TIME.sub(move, state_text)


def main():
    db_file, n = sys.argv[1], int(sys.argv[2])
    catalogue = json.load(open(CATALOGUE))
    departments = [d["code"] for d in catalogue["departments"]
                   if d["code"] != catalogue["supervising_office"]]
    db = sqlite3.connect(db_file, timeout=60)
    templates = db.execute(
        "SELECT channel, category, status, lead_department, problem_key, state, version "
        "FROM complaints_cases ORDER BY id").fetchall()
    if not templates:
        sys.exit("no cases to copy: load the demo data first")
    have = db.execute("SELECT COUNT(*) FROM complaints_cases").fetchone()[0]
    rnd = random.Random(20261203)
    now = dt.datetime.now(dt.timezone.utc)
    year = dt.timedelta(days=360)
    rows = []
    for i in range(max(0, n - have)):
        channel, category, status, lead, key, state, version = templates[i % len(templates)]
        delta = dt.timedelta(seconds=1) + year * (i / max(1, n))
        state = shifted(state, delta)
        s = json.loads(state)
        received = parse_time(s["received_at"])
        ms = int(received.timestamp() * 1000)
        s["id"] = ulid(ms, rnd)
        s["enterprise"] = credit_code(i % 20000)
        if s.get("lead"):
            s["lead"] = departments[i % len(departments)]
        rows.append((s["id"], s["enterprise"], channel, category, status, s.get("lead"), key,
                     ms, json.dumps(s, ensure_ascii=False), version, ms, ms))
        if len(rows) == 50_000:
            insert(db, rows)
            rows = []
    insert(db, rows)
    db.execute("ANALYZE")
    db.commit()
    print(db.execute("SELECT COUNT(*) FROM complaints_cases").fetchone()[0], "cases")


def insert(db, rows):
    db.executemany(
        "INSERT INTO complaints_cases (id, enterprise, channel, category, status, "
        "lead_department, problem_key, received_at, state, version, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.commit()


if __name__ == "__main__":
    main()
