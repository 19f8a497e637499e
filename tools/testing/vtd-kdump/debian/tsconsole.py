#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Keep a serial console with the host time each line arrived.

    QEMU -pidfile DIR/qemu.pid ... | tsconsole.py DIR [--halt-pidfile FILE]

Writes DIR/console.log (the bytes as they came) and DIR/console.ts (one
line per console line: seconds since the start, monotonic, three decimals,
a tab, the line without CR).  Used by run-debian.sh to time the capture
kernel from its first line to kdump-tools' "saved vmcore" line, the same way
for every kernel (the guests' own clocks restart with each kernel).

--halt-pidfile FILE: a kernel that prints "---[ end Kernel panic" has not
kexec'd into a capture kernel (panic() prints it only after a crash kexec did
not happen) and will never print again: the line goes to DIR/halted and,
HALT_GRACE seconds later, QEMU (its pid in FILE) is stopped with SIGTERM, so
that a run fails at once with that line instead of at its timeout.
"""
import os
import select
import signal
import sys
import time

HALT_MARK = b"---[ end Kernel panic"
HALT_GRACE = 3.0


def stop_qemu(pidfile):
    try:
        with open(pidfile) as f:
            os.kill(int(f.read().strip()), signal.SIGTERM)
    except (OSError, ValueError):
        pass


def main():
    out = sys.argv[1]
    pidfile = None
    if len(sys.argv) == 4 and sys.argv[2] == "--halt-pidfile":
        pidfile = sys.argv[3]
    halt_at = None
    t0 = time.monotonic()
    fd = sys.stdin.fileno()
    with open(os.path.join(out, "console.log"), "wb") as raw, \
            open(os.path.join(out, "console.ts"), "w") as ts:
        pending = b""
        while True:
            wait = None
            if halt_at is not None:
                wait = max(0.0, halt_at - (time.monotonic() - t0))
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                stop_qemu(pidfile)
                halt_at = None
                pidfile = None
                continue
            chunk = os.read(fd, 65536)
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
                if pidfile and halt_at is None and HALT_MARK in line:
                    halt_at = now + HALT_GRACE
                    with open(os.path.join(out, "halted"), "w") as h:
                        h.write(text.strip() + "\n")
            ts.flush()
        if pending:
            text = pending.replace(b"\r", b"").decode("utf-8", "replace")
            ts.write("%.3f\t%s\n" % (time.monotonic() - t0, text))


if __name__ == "__main__":
    main()
