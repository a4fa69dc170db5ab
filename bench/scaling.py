#!/usr/bin/env python3
"""bench/scaling.py - does chancery render stay linear in the size of what it renders?

usage: bench/scaling.py [CHANCERY] [SHARED]   (defaults: build/chancery, ../shared)

Three series, each measured in this one script run, each against its own
smallest size as the baseline (ratios, not absolute figures):

  rows     a one-row table template repeated for N = 250 .. 4000 items
           (the 2,000-row table of the issue is in the middle)
  letters  one letter template, a batch of N = 250 .. 4000 letters
           (memory must stay flat: the data is read item by item)
  corpus   the largest document of shared/corpus/odt with a tag at the end
           of every paragraph, its body repeated k = 1, 2, 4, 8 times
           (template load + render of one document)

For every size: the median wall time of 5 runs of the whole process and its
peak RSS (/usr/bin/time). A series is linear when time per unit stays
within a factor 1.5 of the baseline's and memory grows no faster than the
input. Prints a table; exits 1 when a series is not linear.
"""
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
CHANCERY = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "build", "chancery"))
SHARED = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "..", "shared"))
RUNS = 5
NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3"')


def odt(path, body):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("META-INF/manifest.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                   '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                   '"application/vnd.oasis.opendocument.text"/><manifest:file-entry '
                   'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                   '</manifest:manifest>')
        z.writestr("content.xml", '<?xml version="1.0" encoding="UTF-8"?><office:document-content %s>'
                   "<office:body><office:text>%s</office:text></office:body>"
                   "</office:document-content>" % (NS, body))


def measure(args, cwd):
    walls, rss = [], []
    for _ in range(RUNS):
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M"] + args, cwd=cwd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        walls.append(time.perf_counter() - t0)
        if p.returncode != 0:
            sys.exit("failed: %s\n%s" % (" ".join(args), p.stderr))
        rss.append(int(p.stderr.strip().splitlines()[-1]))
    return statistics.median(walls), max(rss) / 1024.0


def report(name, unit, rows, one=None):
    base_n, base_t, base_m = rows[0]
    ok = True
    print("\n%s (baseline: %d %s)" % (name, base_n, unit))
    print("%10s %10s %14s %12s %10s %12s" % (unit, "wall ms", "us per " + (one or unit[:-1]),
                                             "vs baseline", "RSS MB", "RSS vs base"))
    for n, t, m in rows:
        per = t / n * 1e6
        ratio = (t / n) / (base_t / base_n)
        print("%10d %10.1f %14.2f %12.2f %10.1f %12.2f" % (n, t * 1e3, per, ratio, m, m / base_m))
        # per-unit time must not grow (small sizes carry the process start)
        if ratio > 1.5:
            ok = False
        if m / base_m > max(1.5, 1.2 * n / base_n):
            ok = False
    print("linear: %s" % ("yes" if ok else "NO"))
    return ok


def main():
    if not os.access(CHANCERY, os.X_OK):
        sys.exit("no chancery at %s (make build)" % CHANCERY)
    work = tempfile.mkdtemp(prefix="chancery-scaling-")
    ok = True
    try:
        # rows: one table, one row per item
        odt(os.path.join(work, "rows.odt"),
            '<table:table><table:table-column/><table:table-column/><table:table-column/>'
            '<table:table-row><table:table-cell><text:p>{{#rows}}{{id}}</text:p></table:table-cell>'
            '<table:table-cell><text:p>{{title}}</text:p></table:table-cell>'
            '<table:table-cell><text:p>{{action}}{{/rows}}</text:p></table:table-cell>'
            '</table:table-row></table:table>')
        series = []
        for n in (250, 500, 1000, 2000, 4000):
            data = {"rows": [{"id": "XVIII-%d" % i, "title": "Convention number %d on a "
                              "subject of some length & importance" % i, "action": "ratify"}
                             for i in range(n)]}
            with open(os.path.join(work, "rows-%d.json" % n), "w") as f:
                json.dump(data, f)
            t, m = measure([CHANCERY, "render", "rows.odt", "rows-%d.json" % n, "-o",
                            "rows-%d.odt" % n], work)
            series.append((n, t, m))
        ok &= report("one table, a row per item", "rows", series)

        # letters: a batch, memory must stay flat
        series = []
        letter = ('<text:p>{{date}}</text:p><text:p>Dear {{name}},</text:p>'
                  '<text:p>{{#treaties}}{{.}}, {{/treaties}}</text:p>')
        odt(os.path.join(work, "letter.odt"), letter)
        for n in (250, 500, 1000, 2000, 4000):
            with open(os.path.join(work, "letters-%d.json" % n), "w") as f:
                json.dump([{"date": "12 March 2004", "name": "State %d" % i,
                            "treaties": ["IV-%d" % k for k in range(i % 24)]} for i in range(n)], f)
            out = os.path.join(work, "out-%d" % n)
            t, m = measure([CHANCERY, "render", "letter.odt", "letters-%d.json" % n, "-o", out,
                            "--jobs", "1"], work)
            shutil.rmtree(out, ignore_errors=True)
            series.append((n, t, m))
        # flat memory: the largest batch within 1.5x of the smallest
        flat = series[-1][2] <= 1.5 * series[0][2]
        ok &= report("a batch of letters (one thread)", "letters", series) and flat
        print("memory flat in the number of letters: %s (%.1f MB for %d, %.1f MB for %d)"
              % ("yes" if flat else "NO", series[0][2], series[0][0], series[-1][2], series[-1][0]))

        # corpus: the largest document, tags in every paragraph, body repeated
        corpus = os.path.join(SHARED, "corpus", "odt")
        if os.path.isdir(corpus):
            docs = [os.path.join(corpus, f) for f in os.listdir(corpus) if f.endswith(".odt")
                    and "Password" not in f]
            big = max(docs, key=os.path.getsize)
            with zipfile.ZipFile(big) as z:
                content = z.read("content.xml").decode("utf-8")
                entries = [(i, z.read(i.filename)) for i in z.infolist()]
            content = content.replace("</text:p>", "{{e}}</text:p>").replace("</text:h>", "{{e}}</text:h>")
            m_open = re.search(r"<office:text[^>]*>", content)
            m_close = content.rfind("</office:text>")
            head, body, tail = content[:m_open.end()], content[m_open.end():m_close], content[m_close:]
            # drop the sequence declarations (allowed once) from the repeated part
            body_rep = re.sub(r"<text:sequence-decls>.*?</text:sequence-decls>", "", body, flags=re.S)
            with open(os.path.join(work, "e.json"), "w") as f:
                f.write('{"e": ""}')
            series = []
            for k in (1, 2, 4, 8):
                path = os.path.join(work, "big-%d.odt" % k)
                with zipfile.ZipFile(path, "w") as zout:
                    for info, data in entries:
                        if info.filename == "content.xml":
                            data = (head + body + body_rep * (k - 1) + tail).encode("utf-8")
                        zout.writestr(info, data)
                t, m = measure([CHANCERY, "render", path, "e.json", "-o",
                                os.path.join(work, "big-out-%d.odt" % k)], work)
                series.append((k, t, m))
            print("\nlargest corpus document: %s (content.xml %.0f KB, %d paragraphs with a tag)"
                  % (os.path.basename(big), len(content) / 1024.0, content.count("{{e}}")))
            ok &= report("the largest corpus document, body repeated", "copies", series, "copy")
        else:
            print("\nNOTICE: %s not found: corpus series skipped" % corpus)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
