"""Summarizes a DStream trace run (`COMMITFS_BENCH_TRACE=DIR bash scripts/bench.sh --only DStream ...`).

For each traced target in DIR: the FileSystem calls Spark made per state-checkpoint interval (from
`<target>.calls`, written by TracingFileSystem), grouped by call and by the kind of path (an RDD part file
under its temporary name, the metadata checkpoint's temp file, ...), with their count and wall time; and for
S3 targets the requests the proxy saw per interval (`<target>.requests`), grouped the same way by the key
or listing prefix they name. Only whole intervals between the first and the last traced RDD checkpoint
count; the input directory's calls (the file source) are left out.

    python3 bench/streaming/dstream_trace_summary.py DIR
"""
import collections
import glob
import os
import re
import sys
import urllib.parse

WARMUP_BATCHES = 6
CHECKPOINT_BATCHES = 3


def path_kind(path):
    path = path.split(" -> ")[0].rstrip("/")
    if "/input" in path:
        return None
    for pattern, kind in ((r"/rdd-\d+/\.part-\d+-attempt-\d+$", "RDD part, temp name"),
                          (r"/rdd-\d+/part-\d+$", "RDD part"),
                          (r"/rdd-\d+/\.?_partitioner", "RDD _partitioner"),
                          (r"/rdd-\d+$", "RDD dir"),
                          (r"/checkpoint/temp$", "metadata temp"),
                          (r"/checkpoint-\d+\.bk$", "metadata backup"),
                          (r"/checkpoint-\d+$", "metadata file"),
                          (r"/checkpoint$", "checkpoint dir"),
                          (r"/checkpoint/[0-9a-f-]{36}$", "RDD checkpoint root")):
        if re.search(pattern, path):
            return kind
    return "other"


def calls(file):
    rows = [line.rstrip("\n").split(" ", 4) for line in open(file)]
    starts = [int(r[0]) for r in rows if r[3] == "create" and re.search(r"/\.part-00000-attempt", r[4])]
    if len(starts) < 3:
        return None
    t0, t1, n = starts[1], starts[-1], len(starts) - 2
    agg = collections.defaultdict(lambda: [0, 0])
    for start, micros, _thread, call, path in rows:
        kind = path_kind(path)
        if kind and t0 <= int(start) < t1:
            agg[(call, kind)][0] += 1
            agg[(call, kind)][1] += int(micros)
    return n, agg


def critical_path(file):
    """Per RDD checkpoint (mkdirs of rdd-N to the close of its _partitioner, the span Spark's "Checkpointing
    took" times): its wall time and the part of it during which at least one FileSystem call was running."""
    rows = [line.rstrip("\n").split(" ", 4) for line in open(file)]
    spans = []
    for start, micros, _thread, call, path in rows:
        if call == "mkdirs" and re.search(r"/rdd-\d+$", path):
            spans.append([int(start), None, path])
        elif call == "close" and path.endswith("/_partitioner") and spans and spans[-1][1] is None:
            spans[-1][1] = int(start) + int(micros)
    out = []
    for t0, t1, rdd in spans[1:]:
        if t1 is None:
            continue
        busy = sorted((max(int(s), t0), min(int(s) + int(m), t1)) for s, m, _t, _c, p in rows
                      if p.split(" -> ")[0].startswith(rdd) and int(s) < t1 and int(s) + int(m) > t0)
        covered, end = 0, t0
        for a, b in busy:
            if b > end:
                covered += b - max(a, end)
                end = b
        out.append(((t1 - t0) / 1000, covered / 1000))
    return out


def requests(file):
    lines = open(file).read().splitlines()
    cuts = [i for i, line in enumerate(lines) if line.startswith("#")]
    if len(cuts) <= WARMUP_BATCHES + CHECKPOINT_BATCHES:
        return None
    n = (len(cuts) - 1 - WARMUP_BATCHES) / CHECKPOINT_BATCHES
    agg = collections.Counter()
    for line in lines[cuts[WARMUP_BATCHES]:cuts[-1]]:
        if not line or line.startswith("#"):
            continue
        kind, target = line.split(" ")[:2]
        prefix = re.search(r"[?&]prefix=([^&]*)", target)
        key = urllib.parse.unquote(prefix.group(1)) if prefix else target.split("?")[0]
        agg[(path_kind(key) or "input", kind)] += 1
    return n, agg


def main():
    for file in sorted(glob.glob(os.path.join(sys.argv[1], "*.calls"))):
        name = os.path.basename(file)[:-len(".calls")]
        traced = calls(file)
        if not traced:
            print(f"{name}: fewer than 3 RDD checkpoints traced")
            continue
        n, agg = traced
        print(f"\n{name}: FileSystem calls per state-checkpoint interval ({n} intervals)")
        print("| call | path | calls | mean ms | ms per interval |\n|---|---|---:|---:|---:|")
        total = 0
        for (call, kind), (count, micros) in sorted(agg.items(), key=lambda kv: -kv[1][1]):
            print(f"| {call} | {kind} | {count / n:.1f} | {micros / count / 1000:.2f} | {micros / n / 1000:.1f} |")
            total += micros
        print(f"| all | | {sum(c for c, _ in agg.values()) / n:.1f} | | {total / n / 1000:.1f} |")
        spans = critical_path(file)
        if spans:
            wall = sorted(w for w, _ in spans)[len(spans) // 2]
            busy = sorted(b for _, b in spans)[len(spans) // 2]
            print(f"\nRDD checkpoint (mkdirs to the _partitioner's close), p50 of {len(spans)}: {wall:.1f} ms, of which "
                  f"{busy:.1f} ms with a FileSystem call running ({100 * busy / wall:.0f} %); all: "
                  + ", ".join(f"{w:.0f}/{b:.0f}" for w, b in spans))
        req = os.path.join(sys.argv[1], name + ".requests")
        counted = requests(req) if os.path.exists(req) else None
        if counted:
            n, agg = counted
            print(f"\n{name}: S3 requests per interval by the path they name ({n:g} intervals)")
            by_kind = collections.defaultdict(dict)
            for (kind, request), count in agg.items():
                by_kind[kind][request] = count / n
            for kind, reqs in sorted(by_kind.items(), key=lambda kv: -sum(kv[1].values())):
                print(f"- {kind}: " + ", ".join(f"{r} {c:g}" for r, c in sorted(reqs.items(), key=lambda kv: -kv[1])))
            print(f"- all: {sum(agg.values()) / n:g}")


if __name__ == "__main__":
    main()
