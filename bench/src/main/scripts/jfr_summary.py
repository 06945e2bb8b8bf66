#!/usr/bin/env python3
"""Summarises where a JFR recording's CPU samples went.

Usage: jfr_summary.py <recording.jfr> [top] [event]

Reads jdk.ExecutionSample events (or the given event: jdk.CPUTimeSample, JDK 25's experimental
CPU-time sampler, also sees threads running native code such as socket I/O) through `jfr print`
and prints
  * the top methods by self samples (the frame on top of the stack),
  * the top methods by inclusive samples (anywhere on the stack),
  * a split by component, decided by what the stack contains, in this order:
    sink (JDK HTTP server), HTTP client (HttpClient 5 / engine http package / JDK client),
    JDBC (pgjdbc, Hikari), engine (eu.runlater.engine), benchmark driver and JFR, other JDK.
Only running Java code is sampled: time a thread spends waiting for PostgreSQL or the network
does not appear here (see the CPU figures of PostgreSQL in the benchmark's own output).
"""
import collections
import os
import re
import subprocess
import sys

JAVA_HOME = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
FRAME = re.compile(r"^\s+([\w$.<>\[\]/]+)\((.*)\)\s+line:")

CATEGORIES = [
    ("sink (JDK HttpServer)", ("sun.net.httpserver.", "com.sun.net.httpserver.", "eu.runlater.bench.Sink")),
    ("HTTP client", ("org.apache.hc.", "eu.runlater.engine.http.", "jdk.internal.net.http.", "java.net.http.")),
    ("JDBC (pgjdbc + Hikari)", ("org.postgresql.", "com.zaxxer.hikari.")),
    ("engine (claim/sign/complete)", ("eu.runlater.engine.",)),
    ("db-scheduler", ("com.github.kagkarlsson.",)),
    ("bench driver + JFR", ("eu.runlater.bench.", "jdk.jfr.")),
    ("Spring web/security (API)", ("org.springframework.", "org.apache.catalina.", "org.apache.tomcat.",
                                   "org.apache.coyote.")),
]


def samples(path, event):
    out = subprocess.run(
        [f"{JAVA_HOME}/bin/jfr", "print", "--stack-depth", "96", "--events", event, path],
        check=True, capture_output=True, text=True).stdout
    thread, frames, in_stack = None, [], False
    for line in out.splitlines():
        if line.startswith(event + " {"):
            thread, frames, in_stack = None, [], False
        elif "sampledThread =" in line or "eventThread =" in line:
            m = re.search(r'(?:sampledThread|eventThread) = "(.*?)"', line)
            thread = m.group(1) if m else "?"
        elif line.strip().startswith("stackTrace = ["):
            in_stack = True
        elif in_stack and line.strip() == "]":
            in_stack = False
            yield thread, frames
        elif in_stack:
            m = FRAME.match(line)
            if m:
                frames.append(m.group(1))


def category(frames):
    for name, prefixes in CATEGORIES:
        if any(f.startswith(prefixes) for f in frames):
            return name
    return "other JDK (virtual-thread scheduling, NIO, GC-free runtime)"


def thread_group(name):
    name = re.sub(r"\d+", "N", name or "?")
    return name or "(unnamed virtual)"


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    event = sys.argv[3] if len(sys.argv) > 3 else "jdk.ExecutionSample"
    self_counts, incl_counts = collections.Counter(), collections.Counter()
    cats, threads = collections.Counter(), collections.Counter()
    total = 0
    for thread, frames in samples(path, event):
        if not frames:
            continue
        total += 1
        self_counts[frames[0]] += 1
        for f in set(frames):
            incl_counts[f] += 1
        cats[category(frames)] += 1
        threads[thread_group(thread)] += 1
    print(f"{total} {event} samples in {path}\n")
    print(f"Top {top} methods by self samples:")
    for method, n in self_counts.most_common(top):
        print(f"  {100.0 * n / total:5.1f}%  {method}")
    print(f"\nTop {top} methods by inclusive samples (excluding thread entry points):")
    shown = 0
    for method, n in incl_counts.most_common():
        if re.search(r"(Thread\.run|runWith|Continuation\.|VirtualThread\.run|ForkJoin|"
                     r"ThreadPoolExecutor|\.lambda\$|Thread\.start)", method):
            continue
        print(f"  {100.0 * n / total:5.1f}%  {method}")
        shown += 1
        if shown == top:
            break
    print("\nBy component:")
    for name, n in cats.most_common():
        print(f"  {100.0 * n / total:5.1f}%  {name}")
    print("\nBy thread:")
    for name, n in threads.most_common(12):
        print(f"  {100.0 * n / total:5.1f}%  {name}")


if __name__ == "__main__":
    main()
