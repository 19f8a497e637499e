#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Keep a serial console with the host time each line arrived.

    QEMU ... | tsconsole.py DIR

Writes DIR/console.log (the bytes as they came) and DIR/console.ts (one
line per console line: seconds since the start, monotonic, three decimals,
a tab, the line without CR).  Used by run-debian.sh to time the capture
kernel from its first line to kdump-tools' "saved vmcore" line, the same way
for every kernel (the guests' own clocks restart with each kernel).
"""
import os
import sys
import time


def main():
    out = sys.argv[1]
    t0 = time.monotonic()
    src = sys.stdin.buffer
    with open(os.path.join(out, "console.log"), "wb") as raw, \
            open(os.path.join(out, "console.ts"), "w") as ts:
        pending = b""
        while True:
            chunk = src.read1(65536)
            if not chunk:
                break
            now = time.monotonic() - t0
            raw.write(chunk)
            raw.flush()
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                text = line.replace(b"\r", b"").decode("utf-8", "replace")
                ts.write("%.3f\t%s\n" % (now, text))
            ts.flush()
        if pending:
            text = pending.replace(b"\r", b"").decode("utf-8", "replace")
            ts.write("%.3f\t%s\n" % (time.monotonic() - t0, text))


if __name__ == "__main__":
    main()
