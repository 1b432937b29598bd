"""Workload 8 of scripts/bench.sh: the seed's DStream application, checkpointing every few batches.

Started by the harness (DStreamWorkload.java) as `python3 dstream_checkpoints.py CONFIG.json`, once per
filesystem; prints one line `RESULT {json}` on stdout. The application is the one the original report
describes: textFileStream -> words -> reduceByKey -> updateStateByKey (state over `partitions` partitions),
metadata checkpoints every batch (Spark's default) and the state RDD checkpointed every `checkpoint_batches`
batches, on the filesystem under test. The input is replayable: the driver itself moves one generated file
into a local directory per batch (the same words in the same order on every filesystem).

Each completed batch is a cut (a StreamingListener): the proxy's counts (S3 targets) and the clock are read
there. The harness takes Spark's own per-checkpoint times from its log ("Checkpointing took N ms." for the
state RDD, "Checkpoint for time ... took ... ms" for the metadata), so this script measures requests only.
"""
import json
import os
import sys
import threading
import time
import urllib.request


def proxy_counts(url, trace=None, batch_time=None):
    """The proxy's counts by kind; with `trace`, the request targets since the last call are appended there."""
    if not url:
        return {}
    with urllib.request.urlopen(url, timeout=30) as answer:
        body = json.load(answer)
    if trace:
        with open(trace, "a") as f:
            f.write(f"# batch {batch_time} completed at {time.time():.6f}\n")
            f.writelines(t + "\n" for t in body["targets"])
    return body["counts"]


def update_total(new_values, total):
    return sum(new_values) + (total or 0)


class Feeder(threading.Thread):
    """One file of `words` words per interval into `directory` (written aside, then renamed in)."""

    def __init__(self, directory, interval, words, keys):
        super().__init__(daemon=True)
        self.directory, self.interval, self.words, self.keys = directory, interval, words, keys
        self.count = 0
        self.stop_event = threading.Event()

    def run(self):
        seed = 1
        while not self.stop_event.is_set():
            words = []
            for _ in range(self.words):
                seed = (seed * 1103515245 + 12345) % (1 << 31)  # the same sequence on every filesystem
                words.append(f"w{seed % self.keys}")
            staging = os.path.join(self.directory, f".part-{self.count:06d}.tmp")
            with open(staging, "w") as f:
                f.write(" ".join(words))
            os.rename(staging, os.path.join(self.directory, f"part-{self.count:06d}.txt"))
            self.count += 1
            self.stop_event.wait(self.interval)


def main():
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    from pyspark import SparkConf, SparkContext
    from pyspark.streaming import StreamingContext
    from pyspark.streaming.listener import StreamingListener

    conf = SparkConf().setMaster(cfg["master"]).setAppName("commitfs-bench-dstream")
    for key, value in cfg["conf"].items():
        conf.set(key, value)
    sc = SparkContext(conf=conf)
    ssc = StreamingContext(sc, cfg["batch_seconds"])
    ssc.checkpoint(cfg["checkpoint"])

    cuts = []
    wanted = cfg["warmup_batches"] + cfg["batches"] + 1
    enough = threading.Event()

    class Cuts(StreamingListener):
        def onBatchCompleted(self, completed):
            info = completed.batchInfo()
            if len(cuts) < wanted:
                batch_time = info.batchTime().milliseconds()
                cuts.append({"batch_time": batch_time, "time": time.monotonic(), "processing_ms": info.processingDelay(),
                             "proxy": proxy_counts(cfg["proxy_counts_url"], cfg.get("trace"), batch_time)})
            if len(cuts) >= wanted:
                enough.set()

    ssc.addStreamingListener(Cuts())
    totals = (ssc.textFileStream(cfg["input"]).flatMap(str.split).map(lambda w: (w, 1))
              .reduceByKey(lambda a, b: a + b, cfg["partitions"])
              .updateStateByKey(update_total, numPartitions=cfg["partitions"]))
    totals.checkpoint(cfg["batch_seconds"] * cfg["checkpoint_batches"])
    totals.foreachRDD(lambda rdd: rdd.count())

    feeder = Feeder(cfg["input_dir"], cfg["batch_seconds"], cfg["words_per_batch"], cfg["keys"])
    ssc.start()
    feeder.start()
    finished = enough.wait(cfg["timeout_seconds"])
    feeder.stop_event.set()
    ssc.stop(stopSparkContext=True, stopGraceFully=False)
    if not finished:
        raise SystemExit(f"only {len(cuts)} of {wanted} batches in {cfg['timeout_seconds']} s")
    measured = cuts[cfg["warmup_batches"]:]
    requests = {}
    for kind, n in measured[-1]["proxy"].items():
        delta = n - measured[0]["proxy"].get(kind, 0)
        if delta:
            requests[kind] = delta
    print("RESULT " + json.dumps({
        "batches": len(measured) - 1,
        "first_batch_time": measured[0]["batch_time"],
        "last_batch_time": measured[-1]["batch_time"],
        "seconds": measured[-1]["time"] - measured[0]["time"],
        "requests": requests,
        "processing_ms": [c["processing_ms"] for c in measured[1:]],
    }), flush=True)


if __name__ == "__main__":
    main()
