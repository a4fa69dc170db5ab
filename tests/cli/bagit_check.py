#!/usr/bin/env python3
"""bagit_check.py BAG - validate a BagIt bag against RFC 8493, written for
the tests from the RFC's text (sections 2 and 3), independently of
chancery's own writer. Prints one line per violation; exit 1 if any."""
import hashlib, os, re, sys, urllib.parse

bag = sys.argv[1]
errors = []

def err(msg):
    errors.append(msg)

def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()

# 2.1.1 bagit.txt: exactly the two declarations
try:
    lines = open(os.path.join(bag, "bagit.txt"), "rb").read().decode("utf-8").split("\n")
    if lines[-1] == "":
        lines.pop()
    if len(lines) != 2 or not re.fullmatch(r"BagIt-Version: \d+\.\d+", lines[0]) \
            or lines[1] != "Tag-File-Character-Encoding: UTF-8":
        err("bagit.txt: not the two required lines: %r" % lines)
except OSError as e:
    err("bagit.txt: %s" % e)

# 2.1.2 payload directory
data = os.path.join(bag, "data")
if not os.path.isdir(data):
    err("data/: missing")
payload = set()
for root, dirs, files in os.walk(data):
    for f in files:
        payload.add(os.path.relpath(os.path.join(root, f), bag).replace(os.sep, "/"))

def read_manifest(name, allow_data):
    entries = {}
    for n, line in enumerate(open(os.path.join(bag, name), "rb").read().decode("utf-8").split("\n"), 1):
        if not line:
            continue
        m = re.fullmatch(r"([0-9a-fA-F]+)[ \t]+(.+)", line)
        if not m:
            err("%s:%d: not 'checksum filepath'" % (name, n))
            continue
        path = urllib.parse.unquote(m.group(2))  # 2.1.3: %0A %0D %25
        parts = path.split("/")
        if path.startswith("/") or ".." in parts or "." in parts:
            err("%s:%d: path %r escapes the bag" % (name, n, path))
        if allow_data != path.startswith("data/"):
            err("%s:%d: %r in the wrong manifest" % (name, n, path))
        if path in entries:
            err("%s:%d: %r listed twice" % (name, n, path))
        entries[path] = m.group(1).lower()
    return entries

# 3: every payload file in every payload manifest, and the reverse; fixity
manifests = [f for f in os.listdir(bag) if re.fullmatch(r"manifest-[a-z0-9]+\.txt", f)]
if not manifests:
    err("no payload manifest")
for m in manifests:
    alg = m[len("manifest-"):-4]
    entries = read_manifest(m, True)
    for p in payload - set(entries):
        err("%s: payload file %s not listed" % (m, p))
    for p, h in entries.items():
        full = os.path.join(bag, p)
        if not os.path.isfile(full):
            err("%s: %s listed but absent" % (m, p))
        elif alg == "sha256" and digest(full) != h:
            err("%s: %s fails its checksum" % (m, p))

# 2.2.1 tag manifests: tag files only, each present and matching
for m in [f for f in os.listdir(bag) if re.fullmatch(r"tagmanifest-[a-z0-9]+\.txt", f)]:
    for p, h in read_manifest(m, False).items():
        full = os.path.join(bag, p)
        if not os.path.isfile(full):
            err("%s: %s absent" % (m, p))
        elif m == "tagmanifest-sha256.txt" and digest(full) != h:
            err("%s: %s fails its checksum" % (m, p))

# 2.2.2 bag-info.txt: labelled lines; Payload-Oxum = octets.streams
info = {}
path = os.path.join(bag, "bag-info.txt")
if os.path.exists(path):
    label = None
    for n, line in enumerate(open(path, encoding="utf-8").read().split("\n"), 1):
        if not line:
            continue
        if line[0] in " \t" and label:
            info[label][-1] += " " + line.strip()
            continue
        m = re.fullmatch(r"([^:\s][^:]*?)\s*:\s(.*)", line)
        if not m:
            err("bag-info.txt:%d: not 'Label: value'" % n)
            continue
        label = m.group(1)
        info.setdefault(label, []).append(m.group(2))
    if "Payload-Oxum" in info:
        octets = sum(os.path.getsize(os.path.join(bag, p)) for p in payload)
        if info["Payload-Oxum"][0] != "%d.%d" % (octets, len(payload)):
            err("bag-info.txt: Payload-Oxum %s, payload is %d.%d" %
                (info["Payload-Oxum"][0], octets, len(payload)))
    for d in info.get("Bagging-Date", []):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", d):
            err("bag-info.txt: Bagging-Date %r is not YYYY-MM-DD" % d)

for e in errors:
    print(e)
if not errors:
    print("valid: %d payload files" % len(payload))
sys.exit(1 if errors else 0)
