#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Scenario W of the vtd-kdump harness: frames at a fixed rate into QEMU's
e1000 across every window of a crash capture, and where each one landed.

    wtraffic.py send DIR [--rate 200] [--max-s 300]
    wtraffic.py analyze DIR
    wtraffic.py selftest

send: run-qemu.sh starts it before QEMU.  It writes DIR/w-ports ("PEER
LOCAL": QEMU's -netdev socket,udp=127.0.0.1:PEER,localaddr=127.0.0.1:LOCAL),
follows DIR/console.log (QEMU's console) and writes every console line with
the host time it appeared to DIR/w-console.ts ("MS LINE", milliseconds since
the sender started).  From the primary's "nic=rx-on" line on it sends one
Ethernet frame per 1/RATE s to LOCAL (QEMU's e1000 receives each datagram
as one frame and DMAs it into the next receive buffer) until the kdump
kernel's "nic=drain" line (which it prints drain_ms before it stops the
NIC), and logs each frame to DIR/w-sent.log ("SEQ MS").
A frame: broadcast destination, ethertype 0x88b5, "VTDKWIN1", the sequence
number (le32) and the send time in ns (le64), 64 bytes.  It stops by itself
after --max-s seconds; SIGTERM ends it cleanly.

analyze: reads the logs and the guest's report (vtdk_nic.c: runs of
descriptors, each "old" = landed in the crashed kernel's buffer, "new" =
landed in the kdump driver's new buffer, "none" = consumed by the NIC but
found in neither: the DMA faulted or went elsewhere) and prints KEY=VALUE
lines for result.env (see analyze.sh) and DIR/w-frames.csv, one row per
frame sent: sequence number, send time, window, descriptor, outcome (old,
new, lost, or dropped: sent but never consumed, e.g. the NIC found no
descriptor it could read and dropped it, counted in its MPC), and whether
the sequence number of a lost frame was inferred from its descriptor.
Windows, by the host time each frame was sent, between console lines:
  pre_panic   rx-on .. the primary's "nic=snap" (just before sysrq-c)
  kexec       .. the kdump kernel's first console line (its banner)
  boot        .. "Copied translation tables from previous kernel" (the root
              pointer write follows)
  adopted     .. the stale read of /init ("nic=stale")
  pre_attach  .. "nic=attach" (the driver's first DMA-API mapping)
  attach      .. "nic=attached" (new ring and buffers mapped)
  post_attach .. "nic=drain" (the host stops; the NIC is reset after the
              frames on their way have landed)
"""
import os
import re
import signal
import socket
import struct
import sys
import time

WINDOWS = ["pre_panic", "kexec", "boot", "adopted", "pre_attach", "attach",
           "post_attach"]
FAULT = re.compile(r"DMAR: \[(DMA (Read|Write)|INTR-REMAP)")
TAG = b"VTDKWIN1"


def frame(seq, t_ns):
    f = b"\xff" * 6 + bytes.fromhex("525400575757") + b"\x88\xb5" + TAG
    f += struct.pack("<IQ", seq, t_ns)
    return f + b"\x5a" * (64 - len(f))


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def send(d, rate, max_s):
    t0 = time.monotonic_ns()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    peer = sock.getsockname()[1]
    local = free_udp_port()
    with open(os.path.join(d, "w-ports.tmp"), "w") as f:
        f.write("%d %d\n" % (peer, local))
    os.rename(os.path.join(d, "w-ports.tmp"), os.path.join(d, "w-ports"))

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    ts = open(os.path.join(d, "w-console.ts"), "w")
    sent = open(os.path.join(d, "w-sent.log"), "w")
    console = os.path.join(d, "console.log")
    period = 1e9 / rate
    fd = None
    pending = b""
    sending = False
    done = False
    seq = 0
    nxt = 0
    stalls = 0

    def ms(t):
        return "%.3f" % ((t - t0) / 1e6)

    while not stop:
        now = time.monotonic_ns()
        if now - t0 > max_s * 1e9:
            break
        if fd is None and os.path.exists(console):
            fd = os.open(console, os.O_RDONLY)
        if fd is not None:
            data = os.read(fd, 1 << 16)
            if data:
                pending += data
                *lines, pending = pending.split(b"\n")
                for raw in lines:
                    line = raw.decode("utf-8", "replace").rstrip("\r")
                    ts.write("%s %s\n" % (ms(now), line))
                    if not sending and not done and "nic=rx-on" in line:
                        sending = True
                        nxt = now
                    if sending and "nic=drain" in line:
                        sending = False
                        done = True
                ts.flush()
        if sending and now >= nxt:
            if now - nxt > 5 * period:
                stalls += 1
                nxt = now
            sock.sendto(frame(seq, now - t0), ("127.0.0.1", local))
            sent.write("%d %s\n" % (seq, ms(now)))
            seq += 1
            nxt += period
        wait = 0.002
        if sending:
            wait = min(wait, max(0.0, (nxt - time.monotonic_ns()) / 1e9))
        time.sleep(wait)
    sent.write("# frames=%d stalls=%d rate=%s\n" % (seq, stalls, rate))
    sent.close()
    ts.close()


def read_ts(d):
    out = []
    try:
        with open(os.path.join(d, "w-console.ts"), errors="replace") as f:
            for line in f:
                t, _, text = line.rstrip("\n").partition(" ")
                out.append((float(t), text))
    except (OSError, ValueError):
        pass
    return out


def read_sent(d):
    sent = {}
    try:
        with open(os.path.join(d, "w-sent.log")) as f:
            for line in f:
                if line.startswith("#"):
                    continue
                seq, t = line.split()
                sent[int(seq)] = float(t)
    except (OSError, ValueError):
        pass
    return sent


def kv(text, key):
    m = re.search(r"(?:^| )%s=(\S+)" % re.escape(key), text)
    return m.group(1) if m else None


def classify_runs(runs):
    """Map sequence numbers to descriptors from the guest's runs.

    runs: (where, first, last, seq of first or None) in descriptor order,
    where is "old", "new" or "none".  A "none" run between two landed runs
    whose sequence numbers follow on (no frame missing) held no frame: the
    NIC skipped descriptors with a null buffer address (e1000, "as per intel
    docs"), which it finds when it reads a ring the kdump driver has just
    zeroed at a reused IOVA.  Otherwise its descriptors were lost frames,
    whose sequence numbers are inferred from a neighbour's offset.

    Returns desc_of (seq -> (descriptor, where, inferred)), inferred (lost
    frames numbered that way), skipped (descriptors without a frame),
    offsets (distinct seq - descriptor offsets of the landed runs) and
    in_order (the landed runs' sequence numbers increase with the
    descriptors: the NIC took the frames in the order they were sent).
    """
    landed = [(i, a, b, s) for i, (_, a, b, s) in enumerate(runs)
              if s is not None]
    in_order = all(s2 > s1 + (b1 - a1)
                   for (_, a1, b1, s1), (_, _, _, s2) in zip(landed,
                                                             landed[1:]))
    desc_of = {}
    inferred = skipped = 0
    for i, (where, a, b, s) in enumerate(runs):
        if s is not None:
            for k in range(a, b + 1):
                desc_of[s + k - a] = (k, where, False)
            continue
        prev = [r for r in landed if r[0] < i]
        nxt = [r for r in landed if r[0] > i]
        if prev and nxt:
            _, a1, b1, s1 = prev[-1]
            if nxt[0][3] == s1 + (b1 - a1) + 1:
                skipped += b - a + 1
                continue
        near = prev[-1] if prev else (nxt[0] if nxt else None)
        if near is None:
            continue
        off = near[3] - near[1]
        for k in range(a, b + 1):
            desc_of[k + off] = (k, where, True)
            inferred += 1
    return {"desc_of": desc_of, "inferred": inferred, "skipped": skipped,
            "offsets": len({s - a for _, a, _, s in landed}),
            "in_order": in_order}


def selftest():
    """classify_runs() on made-up runs; one PASS:/FAIL: line each."""
    cases = [
        ("every frame in order", [("old", 0, 9, 0), ("new", 10, 19, 10)],
         dict(in_order=True, skipped=0, inferred=0, offsets=1)),
        ("lost frames between landed ones",
         [("old", 0, 9, 0), ("none", 10, 14, None), ("new", 15, 19, 15)],
         dict(in_order=True, skipped=0, inferred=5, offsets=1)),
        ("null descriptors skipped (6.12 W-sm)",
         [("old", 0, 1336, 0), ("none", 1337, 1516, None),
          ("new", 1517, 1720, 1337)],
         dict(in_order=True, skipped=180, inferred=0, offsets=2)),
        ("lost frames at the end", [("old", 0, 9, 0), ("none", 10, 12, None)],
         dict(in_order=True, skipped=0, inferred=3, offsets=1)),
        ("frames out of order", [("old", 0, 9, 10), ("new", 10, 19, 0)],
         dict(in_order=False)),
        ("a frame taken twice", [("old", 0, 9, 0), ("new", 10, 19, 9)],
         dict(in_order=False)),
    ]
    failed = 0
    for name, runs, want in cases:
        got = classify_runs(runs)
        bad = ["%s=%s (expected %s)" % (k, got[k], v)
               for k, v in want.items() if got[k] != v]
        if bad:
            failed += 1
            print("FAIL: wtraffic classify_runs: %s: %s" % (name,
                                                            ", ".join(bad)))
        else:
            print("PASS: wtraffic classify_runs: %s" % name)
    return failed


def analyze(d):
    ts = read_ts(d)
    sent = read_sent(d)
    res = {}

    def first(pattern, after=0.0):
        for t, text in ts:
            if t >= after and re.search(pattern, text):
                return t, text
        return None, None

    t_on, rx_on = first(r"VTDK-RESULT role=primary nic=rx-on")
    t_panic, _ = first(r"VTDK-RESULT role=primary nic=snap")
    banners = [t for t, text in ts if "Linux version " in text]
    t_banner = banners[1] if len(banners) > 1 else None
    t_root, _ = first(r"Copied translation tables from previous kernel",
                      t_banner or 1e18)
    t_stale, stale = first(r"VTDK-RESULT role=kdump nic=stale")
    t_attach, _ = first(r"VTDK-RESULT role=kdump nic=attach ")
    t_attached, attached = first(r"VTDK-RESULT role=kdump nic=attached")
    t_drain, _ = first(r"VTDK-RESULT role=kdump nic=drain")
    t_reset, _ = first(r"VTDK-RESULT role=kdump nic=reset")
    _, report = first(r"VTDK-RESULT role=kdump nic=report")
    bounds = [t_on, t_panic, t_banner, t_root, t_stale, t_attach, t_attached,
              t_drain]
    res["w_marks"] = ",".join("-" if b is None else "%.0f" % b
                              for b in bounds)

    # the guest's runs: descriptor range, outcome, sequence numbers
    runs = []
    for _, text in ts:
        m = re.search(r"VTDK-RESULT nic_run=(\w+) desc=(\d+)-(\d+)"
                      r"(?: seq=(\d+)-(\d+))?", text)
        if m:
            runs.append((m.group(1), int(m.group(2)), int(m.group(3)),
                         int(m.group(4)) if m.group(4) else None))
    cls = classify_runs(runs)
    desc_of = cls["desc_of"]
    res["w_seq_offsets"] = cls["offsets"]
    res["w_seq_in_order"] = "yes" if cls["in_order"] else "no"
    res["w_skipped_desc"] = cls["skipped"]
    res["w_inferred"] = cls["inferred"]

    def window(t):
        if t_on is None or t < t_on:
            return "before"
        for name, hi in zip(WINDOWS, bounds[1:]):
            if hi is None:
                return name
            if t < hi:
                return name
        return "after"

    cnt = {w: {"sent": 0, "old": 0, "new": 0, "lost": 0, "dropped": 0}
           for w in WINDOWS + ["before", "after"]}
    rows = []
    for seq in sorted(sent):
        w = window(sent[seq])
        c = cnt[w]
        c["sent"] += 1
        k, where, inf = desc_of.get(seq, (None, None, False))
        if where == "old":
            c["old"] += 1
        elif where == "new":
            c["new"] += 1
        elif where == "none":
            c["lost"] += 1
        else:
            c["dropped"] += 1
            where = "dropped"
        rows.append("%d,%.3f,%s,%s,%s,%d" % (seq, sent[seq], w,
                                             "" if k is None else k, where,
                                             inf))
    with open(os.path.join(d, "w-frames.csv"), "w") as f:
        f.write("seq,sent_ms,window,desc,outcome,seq_inferred\n")
        f.write("\n".join(rows) + ("\n" if rows else ""))
    res["w_unknown_seq"] = len(set(desc_of) - set(sent))

    # DMAR faults of the kdump kernel by the host time their line appeared
    # (post_attach: until the reset line)
    faults = {w: 0 for w in WINDOWS + ["before", "after"]}
    for t, text in ts:
        if t_banner is not None and t >= t_banner and FAULT.search(text):
            w = window(t)
            if w == "after" and (t_reset is None or t < t_reset):
                w = "post_attach"
            faults[w] += 1
    res["w_faults_before_reset"] = sum(v for k, v in faults.items()
                                       if k != "after")

    for w in WINDOWS:
        for key in ("sent", "old", "new", "lost", "dropped"):
            res["w_%s_%s" % (w, key)] = cnt[w][key]
        res["w_%s_faults" % w] = faults[w]
    # after the attach: frames that did not reach the crashed kernel's buffers
    res["w_post_attach_not_old"] = (cnt["post_attach"]["new"] +
                                    cnt["post_attach"]["lost"] +
                                    cnt["post_attach"]["dropped"])
    inwin = [cnt[w] for w in WINDOWS]
    res["w_sent"] = sum(c["sent"] for c in inwin)
    res["w_dropped"] = sum(c["dropped"] for c in inwin)
    res["w_sent_after"] = cnt["after"]["sent"]
    if report:
        for key in ("consumed", "landed_old", "landed_new", "lost", "mpc",
                    "tpr", "beyond", "old_dd_only", "old_data_only"):
            res["w_%s" % key] = kv(report, key)
        # the guest counts descriptors found in neither buffer; descriptors
        # skipped without a frame are not lost frames
        lost = kv(report, "lost")
        if lost is not None and lost.isdigit():
            res["w_lost_desc"] = lost
            res["w_lost"] = int(lost) - cls["skipped"]
        # the NIC's own count of received frames against its ring head
        res["w_tpr_agrees"] = ("yes" if kv(report, "tpr") ==
                               kv(report, "consumed") else "no")
        # the NIC stops when its head reaches the tail, ndesc - 1
        ndesc = kv(rx_on or "", "ndesc")
        if ndesc:
            res["w_ring_full"] = ("yes" if int(kv(report, "consumed")) >=
                                  int(ndesc) - 1 else "no")
    else:
        res["w_consumed"] = "none"
    if stale:
        cmd = kv(stale, "pci_cmd")
        res["w_stale_bm"] = int(cmd, 16) >> 2 & 1 if cmd else "-"
        res["w_stale_landed_old"] = kv(stale, "landed_old")
    if attached:
        res["w_ring_iova_reused"] = kv(attached, "ring_iova_reused")
        res["w_buf_iova_reused"] = kv(attached, "buf_iova_reused")
    times = sorted(sent.values())
    if len(times) > 1:
        res["w_rate"] = "%.0f" % ((len(times) - 1) * 1000.0 /
                                  (times[-1] - times[0]))
    # the windows in seconds, for the table
    res["w_window_s"] = ",".join(
        "-" if lo is None or hi is None else "%.2f" % ((hi - lo) / 1000.0)
        for lo, hi in zip(bounds[:-1], bounds[1:]))
    # windows after the primary's that kept landing in the old buffers
    res["w_windows_old"] = ",".join(w for w in WINDOWS
                                    if cnt[w]["old"] and w != "attach")
    for k, v in res.items():
        print("%s=%s" % (k, v))


def main():
    if sys.argv[1:] == ["selftest"]:
        sys.exit(1 if selftest() else 0)
    if len(sys.argv) < 3 or sys.argv[1] not in ("send", "analyze"):
        sys.exit(__doc__)
    d = sys.argv[2]
    if sys.argv[1] == "analyze":
        analyze(d)
        return
    rate, max_s = 200.0, 300.0
    args = sys.argv[3:]
    while args:
        if args[0] == "--rate":
            rate = float(args[1])
        elif args[0] == "--max-s":
            max_s = float(args[1])
        else:
            sys.exit("wtraffic.py: unknown option %s" % args[0])
        args = args[2:]
    send(d, rate, max_s)


if __name__ == "__main__":
    main()
