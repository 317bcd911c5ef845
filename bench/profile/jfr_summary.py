#!/usr/bin/env python3
"""Summarizes the execution samples of JFR recordings: top frames by own samples, then Satchel frames
(and a few notable others) by inclusive samples. Usage: jfr_summary.py TITLE FILE.jfr [FILE.jfr ...]"""
import collections
import json
import subprocess
import sys

NOTABLE = ("dev.satchel.", "java.util.zip.", "com.zaxxer.hikari.", "org.postgresql.", "org.mariadb.",
           "org.sqlite.", "redis.clients.", "net.rubyeye.", "sun.nio.fs.", "com.fasterxml.")


def frames(event):
    for f in event["values"]["stackTrace"]["frames"]:
        m = f["method"]
        params = m.get("descriptor", "")
        yield m["type"]["name"].replace("/", ".") + "." + m["name"], params


def main():
    title, files = sys.argv[1], sys.argv[2:]
    own = collections.Counter()
    inclusive = collections.Counter()
    total = 0
    for path in files:
        out = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample", path],
                             check=True, capture_output=True, text=True).stdout
        for e in json.loads(out)["recording"]["events"]:
            stack = [name for name, _ in frames(e)]
            thread = (e["values"].get("sampledThread") or {}).get("javaName") or ""
            if not stack or "jmh-worker" not in thread:
                continue  # not a benchmark thread
            total += 1
            own[stack[0]] += 1
            for name in set(stack):
                if name.startswith(NOTABLE) and not name.startswith("dev.satchel.bench.jmh_generated"):
                    inclusive[name] += 1
    print(f"=== {title}\nsamples {total}\n-- top self frames")
    for name, n in own.most_common(14):
        print(f"{100.0 * n / total:5.1f}%  {name}")
    print("-- inclusive (Satchel and notable)")
    for name, n in inclusive.most_common(24):
        print(f"{100.0 * n / total:5.1f}%  {name}")
    print()


if __name__ == "__main__":
    main()
