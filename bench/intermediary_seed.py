#!/usr/bin/env python3
"""Seeds a gateway's SQLite database for bench/intermediary.sh, and writes the bid script.

    python3 bench/intermediary_seed.py STATE_DIR SCRIPT_FILE LANES PATHS_FILE

Beside the function's demo data: 500 intermediary agencies holding an approved,
valid `env-assessment` qualification; 10,000 evaluations spread over 160 of them (the
live ratings); and one open notice (random draw, item AP-01, cap 500,000 yuan) whose
deadline is an hour away. The script (loadgen `script`): the 500 agencies each bid
once on that notice, spread over LANES connections — a deadline rush. PATHS_FILE gets
the 160 rated agencies' profile paths.
"""

import base64
import hashlib
import hmac
import json
import os
import random
import sqlite3
import sys
import time
import tomllib

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
AGENCIES, RATED, EVALUATIONS = 500, 160, 10_000


def ulid(ms, rnd):
    t = "".join(CROCKFORD[(ms >> (5 * (9 - i))) & 31] for i in range(10))
    return t + "".join(CROCKFORD[rnd.randrange(32)] for _ in range(16))


def credit_code(n):
    body = "91410100BM" + "".join(CREDIT_CHARS[(n // 31**k) % 31] for k in range(7))
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS))
    return body + CREDIT_CHARS[(31 - total % 31) % 31]


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(secret, sub, role, org):
    now = int(time.time())
    claims = {"sub": sub, "role": role, "org": org, "iat": now, "exp": now + 6 * 3600}
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    mac = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(mac)}"


def main():
    state, script_file, lanes, paths_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    with open(os.path.join(state, "secrets.toml"), "rb") as f:
        secrets = tomllib.load(f)
    rnd = random.Random(17)
    now = int(time.time() * 1000)
    db = sqlite3.connect(os.path.join(state, "sqlite_db.db"), timeout=60)
    cur = db.cursor()
    cur.execute("BEGIN")
    codes = [credit_code(n) for n in range(AGENCIES)]
    cur.executemany(
        "INSERT INTO intermediary_providers (credit_code, name, phone, registered_at, serious_violation) "
        "VALUES (?, ?, ?, ?, 0)",
        [(c, f"郑州基准第{n}评估有限公司", f"138{n:08d}", now) for n, c in enumerate(codes)],
    )
    cur.executemany(
        "INSERT INTO intermediary_qualifications (credit_code, qualification, certificate, valid_until, status, decided_by, decided_at) "
        "VALUES (?, 'env-assessment', ?, '2028-12-31', 'approved', 'bench', ?)",
        [(c, f"B-{n}", now) for n, c in enumerate(codes)],
    )
    evaluations = []
    for i in range(EVALUATIONS):
        provider = codes[i % RATED]
        q, a, f = (rnd.randrange(50, 101) for _ in range(3))
        total = round((100 + q + a + f) / 4)
        stars = 5 if total >= 90 else 4 if total >= 80 else 3 if total >= 70 else 2 if total >= 60 else 1
        at = now - rnd.randrange(365 * 86_400_000)
        evaluations.append((ulid(at, rnd), provider, 100, q, a, f, total, stars, int(total < 60), at))
    cur.executemany(
        "INSERT INTO intermediary_evaluations (project_id, provider, timeliness, quality, attitude, fees, total, stars, "
        "burden_reversed, evaluated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", evaluations)
    seed = os.urandom(32)
    project = ulid(now, rnd)
    cur.execute(
        "INSERT INTO intermediary_projects (id, ocid, owner, owner_name, owner_phone, title, item, budget_cap_fen, method, "
        "statutory_working_days, contractual_days, round, bid_deadline, seed, commitment, status, published_at, updated_at) "
        "VALUES (?, ?, 'enterprise:91411502MA4000000H', '基准业主', '13900000001', '基准项目', 'AP-01', 50000000, "
        "'random_draw', 20, 15, 1, ?, ?, ?, 'open', ?, ?)",
        (project, f"ocds-ysmkt1-{project}", now + 3_600_000, seed.hex(), hashlib.sha256(seed).hexdigest(), now, now),
    )
    db.commit()
    print(f"seeded {AGENCIES} agencies, {EVALUATIONS} evaluations over {RATED}, project {project}", file=sys.stderr)
    with open(script_file, "w") as out:
        for n, c in enumerate(codes):
            token = jwt(secrets["auth_jwt_secret"], f"bench-{n}", "enterprise", c)
            out.write(json.dumps({
                "lane": n % lanes, "method": "POST", "path": f"/api/intermediary/projects/{project}/bids",
                "headers": [["authorization", f"Bearer {token}"]],
                "body": {"price_fen": 40_000_000 - n * 1000, "proposal": "基准报价方案"}, "expect": 201,
            }, ensure_ascii=False) + "\n")
    with open(paths_file, "w") as out:
        for c in codes[:RATED]:
            out.write(f"/api/intermediary/providers/{c}\n")
    print(project)


if __name__ == "__main__":
    main()
