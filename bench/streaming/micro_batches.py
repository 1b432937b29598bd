"""Workload 7 of scripts/bench.sh: Structured Streaming micro-batches with state, on one checkpoint.

Started by the harness (StreamingWorkload.java) as `python3 micro_batches.py CONFIG.json`, once per
filesystem; prints one line `RESULT {json}` on stdout. The query is the one Spark users write:
rate-micro-batch (a deterministic, replayable source) -> groupBy(key).count() (state kept by the default
HDFSBackedStateStoreProvider, one store per shuffle partition) -> foreachBatch (collects the updated
counts), checkpointLocation on the filesystem under test, Spark's default trigger (batches back to back).

Each foreachBatch call is a cut: the proxy's counts, the client's own counts and the clock are read
there, before the batch's output is computed. Two consecutive cuts enclose exactly one batch cycle
(the batch's state store commits, its commit log entry, the next batch's offset log entry), so the
difference is the requests of one batch, with nothing else running against the store.
"""
import json
import re
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NUMBER = re.compile(r"\d+")


def proxy_counts(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.load(answer)


def client_counter(kind: str, jvm, hadoop_conf, checkpoint: str):
    """A function returning the client's own request counts ({name: n}, with the total as "requests")."""
    if kind == "commitfs":
        fs = jvm.org.apache.hadoop.fs.Path(checkpoint).getFileSystem(hadoop_conf)
        read = fs.nativeCounters
    else:  # S3A: its per-instance IOStatistics miss FileContext's instances; the SDK interceptor sees all
        read = jvm.io.commitfs.bench.SdkRequestCounter.snapshot

    def counts() -> dict:
        out = {}
        for line in read().splitlines():
            name, _, value = line.partition("=")
            if value.strip().isdigit() and name != "round_trips":
                out[name.strip()] = int(value)
        return out
    return counts


def file_of(target: str, root_key: str) -> str:
    """'PUT /bucket/<root>/state/0/3/.12.delta.<uuid>.tmp' -> 'state/N/N/.N.delta.<uuid>.tmp'."""
    path, _, query = target.partition("?")
    params = urllib.parse.parse_qs(query)
    bucket_and_key = path.split("/", 2)  # path-style: /bucket/key
    key = urllib.parse.unquote(bucket_and_key[2]) if len(bucket_and_key) == 3 else ""
    if not key and "prefix" in params:
        key = params["prefix"][0] + (" (delimited)" if "delimiter" in params else "")
    elif not key:
        return "(bucket) " + ("bulk delete" if "delete" in params else query[:40])
    if key.startswith(root_key):
        key = key[len(root_key):].lstrip("/") or "(checkpoint root)"
    else:
        key = "(outside the checkpoint) " + key
    return NUMBER.sub("N", UUID.sub("<uuid>", key))


def per_batch(cuts: list, measured: range, field: str) -> tuple[dict, list]:
    """Mean per batch of each counter over the measured cycles, and each cycle's total."""
    means, totals = {}, []
    for i in measured:
        before, after = cuts[i][field], cuts[i + 1][field]
        delta = {k: v - before.get(k, 0) for k, v in after.items() if v != before.get(k, 0)}
        totals.append(sum(v for k, v in delta.items() if k != "requests"))
        for k, v in delta.items():
            means[k] = means.get(k, 0) + v / len(measured)
    means.pop("requests", None)
    return means, totals


def summarize(cfg: dict, cuts: list, progress: list) -> dict:
    warmup = cfg["warmup"]
    measured = range(warmup, len(cuts) - 1)
    proxy_means, proxy_totals = per_batch(cuts, measured, "proxy")
    client_means, client_totals = per_batch(cuts, measured, "client")
    root_key = cfg["checkpoint"].split("/", 3)[3].rstrip("/")
    by_file = {}
    for i in measured:
        for target in cuts[i + 1]["targets"]:
            kind, _, rest = target.partition(" ")
            rest, _, operation = rest.partition(" ")  # S3A's audited Hadoop operation, if any
            name = f"{kind} {file_of(rest, root_key)} {operation}".rstrip()
            by_file[name] = by_file.get(name, 0) + 1 / len(measured)
    ids = {cuts[i]["batch"] for i in measured}
    timed = [p for p in progress if p["batchId"] in ids]
    trigger = sorted(p["durationMs"].get("triggerExecution", 0) for p in timed)
    phases = {}
    for p in timed:
        for name, ms in p["durationMs"].items():
            phases.setdefault(name, []).append(ms)
    state_commit = [op.get("commitTimeMs", 0) for p in timed for op in p.get("stateOperators", [])]
    return {
        "batches": len(measured),
        "batch_ids": sorted(ids),
        "seconds": cuts[-1]["time"] - cuts[warmup]["time"],
        "trigger_ms": trigger,
        "phase_p50_ms": {k: statistics.median(v) for k, v in phases.items()},
        "state_commit_p50_ms": statistics.median(state_commit) if state_commit else None,
        "proxy_per_batch": {k: v for k, v in proxy_means.items() if v},
        "proxy_totals": proxy_totals,
        "client_per_batch": client_means,
        "client_totals": client_totals,
        "by_file": dict(sorted(by_file.items(), key=lambda kv: -kv[1])),
    }


def main() -> None:
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    from pyspark import SparkConf
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    conf = SparkConf().setMaster(cfg["master"]).setAppName("commitfs-bench-streaming")
    for key, value in cfg["conf"].items():
        conf.set(key, value)
    spark = SparkSession.builder.config(conf=conf).getOrCreate()
    jvm = spark.sparkContext._jvm
    client = client_counter(cfg["client"], jvm, spark.sparkContext._jsc.hadoopConfiguration(),
                            cfg["checkpoint"])

    cuts = []
    wanted = cfg["warmup"] + cfg["batches"] + 1
    enough = threading.Event()

    def on_batch(batch_df, batch_id):
        if len(cuts) < wanted:
            answer = proxy_counts(cfg["proxy_counts_url"])
            cuts.append({"batch": batch_id, "time": time.monotonic(), "proxy": answer["counts"],
                         "targets": answer["targets"], "client": client()})
        batch_df.collect()
        if len(cuts) >= wanted:
            enough.set()

    source = (spark.readStream.format("rate-micro-batch")
              .option("rowsPerBatch", cfg["rows_per_batch"])
              .option("numPartitions", 2)
              .load())
    counts = source.groupBy((F.col("value") % cfg["keys"]).alias("key")).count()
    query = (counts.writeStream.outputMode("update")
             .foreachBatch(on_batch)
             .option("checkpointLocation", cfg["checkpoint"])
             .queryName("commitfs_bench_streaming")
             .start())
    deadline = time.monotonic() + cfg["timeout_seconds"]
    while not enough.wait(1) and query.isActive and time.monotonic() < deadline:
        pass
    finished = enough.is_set()
    error = query.exception()
    query.stop()
    progress = [json.loads(p.json) for p in query.recentProgress]
    spark.stop()
    if not finished:
        raise SystemExit(f"only {len(cuts)} of {wanted} batches in {cfg['timeout_seconds']} s"
                         + (f": {error}" if error else ""))
    print("RESULT " + json.dumps(summarize(cfg, cuts, progress)), flush=True)


if __name__ == "__main__":
    main()
