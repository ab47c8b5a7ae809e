#!/usr/bin/env python3
"""Jiyuan at full scale for bench/checkin.sh: fills a gateway's SQLite database with
what the check-in function itself would have stored after two years of use, and
prints the enterprises' code URLs.

    python3 bench/checkin_seed.py DB_FILE [ENTERPRISES]
    python3 bench/checkin_seed.py --codes STATE_DIR BASE_URL [ENTERPRISES]

The first form adds, beside the demo data (load it first: its 200 enterprises have
`91419001MA…` codes, these `91419001BM…`), in one transaction:
- ENTERPRISES enterprises (default 14,000) with valid GB 32100 credit codes (region
  419001) and their first code (serial 1);
- 43 agencies (`jy-agency-00` … `jy-agency-42`; rules as `PUT /agencies/{agency}`
  publishes them: name, routine cap 2, five items each, no campaigns) with 49 officers
  each (`officer-NN-KK`, certificates valid 2024-01-01 to 2028-12-31): 2,100 officers;
- a year of inspections before today (60,000 over the last 365 days, working hours,
  China Standard Time), each with its two officers and their two scans; routine 50 %,
  case-driven 42 %, special 8 %; 3 % late (outage or emergency, arrival up to three
  days before the scans); 95 % checked out, 40 % of those rated; agencies and
  enterprises drawn unevenly, as real enforcement is;
- 500 reports of entry without a scan in the same year;
- the same 365 days a year earlier at 80 % of the volume (48,000 inspections, 400
  reports), so the statistics' change on a year earlier has data.

The second form prints the landing URL of each seeded enterprise's code, one per line,
in seeding order: the token signed with the state folder's `checkin_code_secret`
exactly as shared/src/checkin/code.rs does.
"""

import base64
import datetime as dt
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
CODE_CONTEXT = b"yingshang/checkin/enterprise-code/v1"
CST = dt.timezone(dt.timedelta(hours=8))
DAY_MS = 86_400_000
MINUTE_MS = 60_000

ENTERPRISES = 14_000
OFFICERS_PER_AGENCY = 49
INSPECTIONS = 60_000
NO_SCAN_REPORTS = 500
YEAR_EARLIER = 0.8
AGENCY_NAMES = [
    "市场监督管理局", "消防救援支队", "生态环境局", "应急管理局", "卫生健康委员会",
    "住房和城乡建设局", "交通运输局", "自然资源和规划局", "城市管理局", "文化广电和旅游局",
    "农业农村局", "水利局", "人力资源和社会保障局", "教育局", "商务局", "公安局",
    "医疗保障局", "林业局", "气象局", "烟草专卖局", "粮食和物资储备中心", "统计局",
    "民政局", "发展和改革委员会", "工业和信息化局", "财政局", "税务局", "体育局",
    "退役军人事务局", "人民防空办公室", "档案局", "地震局", "邮政管理局",
    "畜牧局", "药品监督管理分局", "知识产权局", "金融工作局",
    "虎岭高新区市场监管分局", "玉泉街道综合执法队", "克井镇综合执法队", "五龙口镇综合执法队",
    "轵城镇综合执法队", "承留镇综合执法队",
]
INDUSTRIES = ["C1371", "C3110", "C3130", "C2614", "C3360", "F5221", "F5199", "H6210",
              "I6513", "E4813", "G5430", "K7010", "L7212", "M7320", "B0810"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建"
CASE_REASONS = ["complaint", "hotline_12345", "referral", "data_alert",
                "rectification_follow_up", "licence_check", "enterprise_request"]
OUTCOMES = [("no_issues", 70, "现场检查未发现问题。", ""),
            ("rectification_ordered", 25, "发现问题，已当场责令整改。", "30 日内复查整改情况。"),
            ("case_filed", 5, "发现违法线索，已立案调查。", "按立案程序办理。")]


def agency(i):
    return f"jy-agency-{i:02d}"


def officer(i, k):
    return f"officer-{i:02d}-{k:02d}"


def certificate(i, k):
    return f"4190{i:02d}2024{k:04d}"


def item_code(i, k):
    return f"JY{i:02d}-{k:02d}"


def credit_code(n):
    """A valid unified social credit code of Jiyuan (GB 32100-2015 check character)."""
    body = "91419001BM" + "".join(CREDIT_CHARS[(n // 31**k) % 31] for k in range(7))
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(body, CREDIT_WEIGHTS))
    return body + CREDIT_CHARS[(31 - total % 31) % 31]


def code_url(base, secret, cc, serial=1):
    """The code's landing URL: `<cc>.<serial>.<base64url(HMAC-SHA256)[:16 bytes]>`."""
    msg = CODE_CONTEXT + b"\n" + cc.encode() + b"\n" + str(serial).encode()
    tag = hmac.new(secret.encode(), msg, hashlib.sha256).digest()[:16]
    tag = base64.urlsafe_b64encode(tag).rstrip(b"=").decode()
    return f"{base.rstrip('/')}/api/checkin/landing/{cc}.{serial}.{tag}"


def ulid(ms, rnd):
    t = "".join(CROCKFORD[(ms >> (5 * (9 - i))) & 31] for i in range(10))
    return t + "".join(CROCKFORD[rnd.randrange(32)] for _ in range(16))


def rules(i):
    name = AGENCY_NAMES[i]
    return {
        "name_zh": f"济源市{name}" if not name.endswith("执法队") else f"济源示范区{name}",
        "routine_cap_per_year": 2,
        "items": [{"code": item_code(i, k), "name_zh": f"{name}监督检查事项{k + 1}",
                   "legal_basis_zh": f"《{name}执法依据》第{20 + k}条"} for k in range(5)],
        "campaigns": [],
    }


def plan_json(kind, reason, campaign, item, approval, late):
    """The plan as the function stores it (store/inspections.rs StoredPlan, serde's order)."""
    return json.dumps({
        "kind": kind, "reason": reason, "campaign": campaign, "item": item,
        "approval_ref": approval,
        "late_mode": late[0] if late else None, "late_reason": late[1] if late else None,
        "arrived_at_ms": late[2] if late else None,
    }, ensure_ascii=False, separators=(",", ":"))


def working_time(day_start_ms, rnd):
    """A moment between 08:30 and 17:30 China Standard Time of the day starting then."""
    return day_start_ms + (8 * 60 + 30) * MINUTE_MS + rnd.randrange(9 * 60 * MINUTE_MS)


def year_of(ms):
    return dt.datetime.fromtimestamp(ms / 1000, CST).year


def seed(db_file, n_enterprises):
    rnd = random.Random(20261203)
    now = int(time.time() * 1000)
    today = dt.datetime.now(CST).replace(hour=0, minute=0, second=0, microsecond=0)
    today_ms = int(today.timestamp() * 1000)
    codes = [credit_code(n) for n in range(n_enterprises)]
    all_rules = [rules(i) for i in range(len(AGENCY_NAMES))]
    n_agencies = len(all_rules)
    # Uneven: a few agencies inspect most; some enterprises (factories, restaurants)
    # far more often than others.
    agency_weights = [1 / (i + 1) ** 0.9 for i in range(n_agencies)]
    enterprise_weights = [1 / (1 + (n * 7919 % n_enterprises) / 1500) for n in range(n_enterprises)]

    enterprises = [(cc, f"济源市基准{n}号{['有限公司', '股份有限公司', '商行', '厂'][n % 4]}",
                    f"河南省济源市基准大道{n // 100 + 1}号{n % 100 + 1}室", "419001",
                    INDUSTRIES[n % len(INDUSTRIES)], 1, now, None, now)
                   for n, cc in enumerate(codes)]
    agencies = [(agency(i), json.dumps(r, ensure_ascii=False, separators=(",", ":")),
                 "agency:bench/seed", now) for i, r in enumerate(all_rules)]
    officers = [(agency(i), officer(i, k),
                 SURNAMES[(i * 49 + k) % len(SURNAMES)] + GIVEN[(i * 7 + k * 3) % len(GIVEN)],
                 certificate(i, k), "2024-01-01", "2028-12-31", now)
                for i in range(n_agencies) for k in range(OFFICERS_PER_AGENCY)]

    inspections, inspection_officers, scans, reports = [], [], [], []
    for years_back, volume, n_reports in (
            (0, INSPECTIONS, NO_SCAN_REPORTS),
            (1, int(INSPECTIONS * YEAR_EARLIER), int(NO_SCAN_REPORTS * YEAR_EARLIER))):
        # The 365 days before today, or the same days a year earlier.
        first_day = today - dt.timedelta(days=365 * (years_back + 1))
        days = [int((first_day + dt.timedelta(days=d)).timestamp() * 1000) for d in range(365)]
        chosen_agencies = rnd.choices(range(n_agencies), agency_weights, k=volume)
        chosen_enterprises = rnd.choices(range(n_enterprises), enterprise_weights, k=volume)
        for a, e in zip(chosen_agencies, chosen_enterprises):
            cc, ag = codes[e], agency(a)
            first_scan = working_time(rnd.choice(days), rnd)
            started = first_scan + rnd.randrange(30_000, 8 * MINUTE_MS)
            kind = rnd.choices(["routine", "case", "special"], [50, 42, 8])[0]
            reason = rnd.choice(CASE_REASONS) if kind == "case" else None
            campaign = f"{year_of(first_scan)}-special-{a:02d}" if kind == "special" else None
            k = rnd.randrange(5)
            item = all_rules[a]["items"][k]
            approval = f"济执审〔{year_of(first_scan)}〕{rnd.randrange(1, 2000)}号"
            late = None
            arrival = first_scan
            if rnd.random() < 0.03:
                mode = "outage" if rnd.random() < 0.67 else "emergency"
                arrival = first_scan - rnd.randrange(30 * MINUTE_MS, 3 * DAY_MS)
                late = (mode, "检查时现场无网络，事后补扫。" if mode == "outage"
                        else "现场紧急处置，处置完毕后补扫。", arrival)
            plan = plan_json(kind, reason, campaign, item["code"], approval, late)
            iid = ulid(started, rnd)
            k1, k2 = rnd.sample(range(OFFICERS_PER_AGENCY), 2)
            left = left_by = outcome = note = follow = stars = comment = rated = None
            if rnd.random() < 0.95:
                left = started + rnd.randrange(20 * MINUTE_MS, 4 * 60 * MINUTE_MS)
                left_by = officer(a, rnd.choice((k1, k2)))
                outcome, _, note, follow = rnd.choices(OUTCOMES, [o[1] for o in OUTCOMES])[0]
                if rnd.random() < 0.4:
                    stars = rnd.choices([5, 4, 3, 2, 1], [70, 20, 6, 3, 1])[0]
                    comment = "检查规范，效率高。" if stars >= 4 else "检查时间偏长。"
                    rated = left + rnd.randrange(MINUTE_MS, 2 * DAY_MS)
            inspections.append((iid, cc, ag, kind, reason, campaign, item["code"], item["name_zh"],
                                item["legal_basis_zh"], approval, arrival, year_of(arrival), started,
                                late[0] if late else None, late[1] if late else None, plan,
                                left, left_by, outcome, note, follow, stars, comment, rated))
            for who, at in ((k1, first_scan), (k2, started)):
                inspection_officers.append((iid, officer(a, who), certificate(a, who), at))
                scans.append((ulid(at, rnd), ag, officer(a, who), cc, at, plan, "started", iid))
        for _ in range(n_reports):
            at = working_time(rnd.choice(days), rnd)
            occurred = dt.datetime.fromtimestamp((at - rnd.randrange(0, 5 * DAY_MS)) / 1000, CST)
            reports.append((ulid(at, rnd), codes[rnd.choices(range(n_enterprises), enterprise_weights)[0]],
                            agency(rnd.choices(range(n_agencies), agency_weights)[0]),
                            occurred.strftime("%Y-%m-%d"), "执法人员未扫码即入企检查。",
                            ulid(at, rnd), f"enterprise-user-{rnd.randrange(10_000)}", at))

    db = sqlite3.connect(db_file, timeout=60, isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    db.executemany(
        "INSERT INTO checkin_enterprises (credit_code, name, address, division_code, industry_code, "
        "code_serial, code_issued_at, import_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        enterprises)
    db.executemany(
        "INSERT INTO checkin_agencies (agency, rules, updated_by, updated_at) VALUES (?, ?, ?, ?)",
        agencies)
    db.executemany(
        "INSERT INTO checkin_officers (agency, subject, name, certificate_number, valid_from, "
        "valid_until, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", officers)
    db.executemany(
        "INSERT INTO checkin_inspections (id, enterprise, agency, kind, reason, campaign, item, "
        "item_name, legal_basis, approval_ref, arrival_at, arrival_year, started_at, late_mode, "
        "late_reason, plan, left_at, left_by, outcome, result_note, follow_up, rating_stars, "
        "rating_comment, rated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        inspections)
    db.executemany(
        "INSERT INTO checkin_inspection_officers (inspection_id, officer, certificate_number, "
        "scanned_at) VALUES (?, ?, ?, ?)", inspection_officers)
    db.executemany(
        "INSERT INTO checkin_scans (id, agency, officer, enterprise, scanned_at, plan, status, "
        "inspection_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", scans)
    db.executemany(
        "INSERT INTO checkin_no_scan_reports (id, enterprise, agency, occurred_on, description, "
        "case_id, reported_by, reported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", reports)
    db.execute("COMMIT")
    db.execute("ANALYZE")
    count = lambda t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # noqa: E731
    late = db.execute("SELECT COUNT(*) FROM checkin_inspections WHERE late_mode IS NOT NULL").fetchone()[0]
    open_ = db.execute("SELECT COUNT(*) FROM checkin_inspections WHERE left_at IS NULL").fetchone()[0]
    print(f"seeded: {len(enterprises)} enterprises ({count('checkin_enterprises')} in all), "
          f"{len(agencies)} agencies ({count('checkin_agencies')}), {len(officers)} officers "
          f"({count('checkin_officers')}), {len(inspections)} inspections ({count('checkin_inspections')}; "
          f"{late} late, {open_} not checked out), {len(scans)} scans ({count('checkin_scans')}), "
          f"{len(reports)} no-scan reports ({count('checkin_no_scan_reports')})")
    db.close()


def print_codes(state_dir, base, n_enterprises):
    with open(os.path.join(state_dir, "secrets.toml"), "rb") as f:
        secret = tomllib.load(f)["checkin_code_secret"]
    out = sys.stdout
    for n in range(n_enterprises):
        out.write(code_url(base, secret, credit_code(n)) + "\n")


def main():
    args = sys.argv[1:]
    if args[:1] == ["--codes"] and len(args) in (3, 4):
        print_codes(args[1], args[2], int(args[3]) if len(args) == 4 else ENTERPRISES)
    elif len(args) in (1, 2) and not args[0].startswith("-"):
        seed(args[0], int(args[1]) if len(args) == 2 else ENTERPRISES)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
