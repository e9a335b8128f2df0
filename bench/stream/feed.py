#!/usr/bin/env python3
"""Writes events.ndjson as Redis Stream entries in RESP, for `redis-cli --pipe`.

Entries: about 70 % hold one event (field `event`), 30 % hold 2-20 events as NDJSON (field `events`).
About --resend of the entries are sent a second time 1-500 entries later (a producer's retry after a lost
reply), so the stream holds every event at least once and some twice. --bad entries are unreadable (no
field, not JSON) and must end in the dead letters. Seeded: the same arguments give the same stream.
Usage: feed.py EVENTS STREAM OUT_FIRST OUT_SECOND [--split 0.5] [--resend 0.1] [--bad 10] [--seed 7]
Prints: entries, re-sent entries, bad entries and events (counting re-sends) per part as JSON.
"""
import argparse
import json
import random


def resp(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("events")
    p.add_argument("stream")
    p.add_argument("first")
    p.add_argument("second")
    p.add_argument("--split", type=float, default=0.5)
    p.add_argument("--resend", type=float, default=0.1)
    p.add_argument("--bad", type=int, default=10)
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args()
    rnd = random.Random(a.seed)
    lines = [l.rstrip("\n") for l in open(a.events, encoding="utf-8") if l.strip()]
    entries = []  # (field, value, events in it, kind)
    i = 0
    while i < len(lines):
        n = 1 if rnd.random() < 0.7 else rnd.randint(2, 20)
        chunk = lines[i:i + n]
        i += n
        entries.append(("event", chunk[0], 1, "new") if len(chunk) == 1 else ("events", "\n".join(chunk), len(chunk), "new"))
    resends = {}
    for k in range(len(entries)):
        if rnd.random() < a.resend:
            resends.setdefault(k + rnd.randint(1, 500), []).append(k)
    stream = []
    for k, e in enumerate(entries):
        stream.append(e)
        for r in resends.get(k, []):
            f, v, n, _ = entries[r]
            stream.append((f, v, n, "resent"))
    bad = [("payload", "no event field", 0, "bad"), ("event", "{\"eventId\":", 0, "bad")]
    for b in range(a.bad):
        stream.insert(rnd.randint(0, len(stream)), bad[b % 2])
    cut = int(len(stream) * a.split)
    summary = {}
    for name, part in (("first", stream[:cut]), ("second", stream[cut:])):
        with open(getattr(a, name), "wb") as out:
            for f, v, _, _ in part:
                out.write(resp("XADD", a.stream, "*", f, v.encode("utf-8")))
        summary[name] = {
            "entries": len(part),
            "resent": sum(1 for e in part if e[3] == "resent"),
            "bad": sum(1 for e in part if e[3] == "bad"),
            "events": sum(e[2] for e in part),
        }
    summary["distinctEvents"] = len(lines)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
