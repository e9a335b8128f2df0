#!/usr/bin/env python3
"""Compares every user's profile as two Persona services serve it (GET /v1/users/{id}/profile).

The users are those of EVENTS (canonical NDJSON). The two reads happen a few milliseconds apart, and the view
is computed at the time of the read: `asOf` (that time) is left out, `recencyDays` (time since the last
purchase, 4 decimals) may differ by 0.001 (86 s; `lastSeen` and the counters' times are compared exactly),
other numbers by at most 2e-6 (the view rounds to 6 decimals; a decayed weight's last digit can move);
everything else must be equal. Prints the
count of users compared, equal and different, with the first differences; exits 1 when any differs.
Usage: compare.py EVENTS URL_A URL_B
"""
import json
import sys
import urllib.error
import urllib.request


def fetch(base, user):
    try:
        with urllib.request.urlopen(f"{base}/v1/users/{user}/profile", timeout=30) as r:
            doc = json.load(r)
    except urllib.error.HTTPError as e:
        return {"status": e.code}
    doc.pop("asOf", None)
    return doc


def diff(a, b, path=""):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                yield f"{path}.{k}: only in {'A' if k in a else 'B'}"
            else:
                yield from diff(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            yield f"{path}: {len(a)} vs {len(b)} elements"
        for i, (x, y) in enumerate(zip(a, b)):
            yield from diff(x, y, f"{path}[{i}]")
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        if abs(a - b) > (1e-3 if path.endswith(".recencyDays") else 2e-6):
            yield f"{path}: {a} vs {b}"
    elif a != b:
        yield f"{path}: {a!r} vs {b!r}"


def main():
    events, url_a, url_b = sys.argv[1:4]
    users = sorted({json.loads(l)["userId"] for l in open(events, encoding="utf-8") if l.strip()})
    equal = exact = 0
    different = []
    for u in users:
        a, b = fetch(url_a, u), fetch(url_b, u)
        d = list(diff(a, b))
        if d:
            different.append((u, d[:3]))
        else:
            equal += 1
            exact += a == b
    print(json.dumps({"users": len(users), "equal": equal, "exactlyEqual": exact, "different": len(different), "firstDifferences": different[:5]}))
    sys.exit(1 if different else 0)


if __name__ == "__main__":
    main()
