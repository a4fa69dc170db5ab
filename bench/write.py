#!/usr/bin/env python3
"""bench/write.py - does recording an event cost the same at any history size?

usage: bench/write.py [CHANCERY] [N...]   (defaults: build/chancery, 100 1000 10000)

For each N: a new repository (`chancery init`, the Focus 2004 sample), then
N note events appended with git fast-import, 10^4 a year (a depositary's
rate) from 2000-01-01 on, and at least a year, each a
record file in the repository's layout (events/YYYY/MM/DD/ID.txt for a new
repository) and a commit carrying chancery's trailers. Their ids are not
digests of their content, so `verify` would refuse them: the script times
only the write path, `chancery note --state LBR TEXT`, as the median wall
time and the median CPU time (user + system, steadier on a loaded
machine) of 7 runs (each run records one more note). Prints a table and
the ratio of each size's medians to the first size's.
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[1:]
CHANCERY = os.path.abspath(args.pop(0) if args and not args[0].isdigit()
                           else os.path.join(HERE, "..", "build", "chancery"))
SIZES = [int(a) for a in args] or [100, 1000, 10000]
RUNS = 7
AUTHOR = "Bench <b@example.org>"


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, **kw)


def grow(repo, n):
    """n notes after the init commit, by fast-import, in the head's layout"""
    fmt = open(os.path.join(repo, ".chancery", "format")).read()
    day = not fmt.endswith(" 1\n")
    head = run(["git", "-C", repo, "rev-parse", "HEAD"]).stdout.decode().strip()
    start = 946684800  # 2000-01-01
    span = max(1, n // 10000) * 365 * 86400
    out = []
    for i in range(n):
        t = start + span * i // n
        tm = time.gmtime(t)
        eid = "%s-%08x" % (time.strftime("%Y%m%dT%H%M%SZ", tm), i)
        d = "events/%04d/%02d/%s" % (tm.tm_year, tm.tm_mon,
                                     ("%02d/" % tm.tm_mday if day else "") + eid)
        rec = ("Event: note\nId: %s\nRecorded: %s\nRecorded-By: %s\nState: LBR\n\n"
               "note %d\n" % (eid, time.strftime("%Y-%m-%dT%H:%M:%SZ", tm), AUTHOR, i))
        msg = ("note LBR: note %d\n\nnote %d\n\nChancery-Event: note\n"
               "Chancery-Id: %s\nChancery-State: LBR\n" % (i, i, eid))
        rb, mb = rec.encode(), msg.encode()
        out.append(b"commit refs/heads/main\n")
        out.append(("committer %s %d +0000\n" % (AUTHOR, t)).encode())
        out.append(b"data %d\n%s\n" % (len(mb), mb))
        if i == 0:
            out.append(("from %s\n" % head).encode())
        out.append(b"M 100644 inline %s.txt\ndata %d\n%s\n" % (d.encode(), len(rb), rb))
    run(["git", "-C", repo, "fast-import", "--quiet"], input=b"".join(out))
    run(["git", "-C", repo, "reset", "--hard", "-q"])


def main():
    work = tempfile.mkdtemp(prefix="chancery-bench-write-")
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=work,
               CHANCERY_NOW="2026-06-01T09:00:00Z")
    rows = []
    try:
        for n in SIZES:
            repo = os.path.join(work, "r%d" % n)
            run([CHANCERY, "--author", AUTHOR, "init", repo], env=env)
            grow(repo, n)
            walls, cpus = [], []
            for k in range(RUNS):
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.perf_counter()
                run([CHANCERY, "--author", AUTHOR, "-C", repo, "note", "--state",
                     "LBR", "bench %d" % k], env=env)
                walls.append(time.perf_counter() - t0)
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpus.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
            rows.append((n, statistics.median(walls), statistics.median(cpus)))
            if os.environ.get("KEEP"):
                print("kept", repo, file=sys.stderr)
            else:
                shutil.rmtree(repo)
    finally:
        if not os.environ.get("KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    print("%10s %10s %8s %10s %8s" % ("events", "wall ms", "ratio", "cpu ms", "ratio"))
    for n, t, c in rows:
        print("%10d %10.1f %8.2f %10.1f %8.2f" % (n, t * 1e3, t / rows[0][1],
                                                 c * 1e3, c / rows[0][2]))


if __name__ == "__main__":
    main()
