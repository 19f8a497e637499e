# SPDX-License-Identifier: GPL-2.0
#
# vtd-kdump: top-level driver for the build, the harness and the tests.
#
#   make deps                 install what the build and tests need (Debian 12)
#   make kernel               build the patched kernel (SERIES=none: baseline)
#   make kernels              build both
#   make debug-kernel         the patched kernel with lockdep, DEBUG_ATOMIC_SLEEP, DEBUG_LIST
#   make demo                 build both kernels and run the crash-capture scenarios
#   make test                 every test: userspace, series check, KUnit, QEMU
#   make series               write the upstream series to out/series/
#   make series-check         git am onto the base, build each patch, checkpatch
#   make bench                walker benchmark (userspace)
#   make iova-bench           IOVA map/unmap cost in a seeded domain (QEMU, patched)
#   make boot-bench           kdump boot time, baseline vs patched (QEMU, 5 runs each)
#   make deb                  the patched and the baseline 6.12 kernel as Debian
#                             packages (make bindeb-pkg, Debian 13's config reduced
#                             with localmodconfig) in build/debian/out/
#   make demo-debian          the Debian user's path end to end: make deb, a
#                             Debian 13 guest with kdump-tools, Debian's kernel,
#                             baseline and patched side by side (build/debian/results.md)

SHELL := /bin/bash
SERIES ?= patched
ifeq ($(SERIES),none)
KIND := baseline
else
KIND := patched
endif

.PHONY: deps tree kernel kernels debug-kernel demo test series series-check bench userspace-test kunit scenarios clean distclean

deps:
	scripts/deps.sh

tree:
	scripts/kernel.sh tree

kernel: tree
	scripts/kernel.sh build $(KIND)

kernels: tree
	scripts/kernel.sh build baseline
	scripts/kernel.sh build patched

debug-kernel: tree
	scripts/kernel.sh build debug

demo: deps kernels
	tools/testing/vtd-kdump/qemu/scenarios.sh --kernels "baseline patched"

test:
	scripts/test-all.sh

series: tree
	scripts/series.sh generate

series-check: series
	scripts/series.sh check

userspace-test:
	$(MAKE) -C tools/testing/vtd-kdump/userspace test

bench:
	$(MAKE) -C tools/testing/vtd-kdump/userspace bench

scenarios:
	tools/testing/vtd-kdump/qemu/scenarios.sh --kernels "baseline patched"

# Measured cost (issue 4); both print PASS:/FAIL: lines (README "Results").
# BOOT_BENCH_GATE: the ratio the FAIL line checks (default: the 1.05 target)
.PHONY: iova-bench boot-bench
BOOT_BENCH_RUNS ?= 5
BOOT_BENCH_GATE ?= 1.05

iova-bench:
	tools/testing/vtd-kdump/qemu/iova-bench.sh

boot-bench:
	tools/testing/vtd-kdump/qemu/boot-bench.sh --runs $(BOOT_BENCH_RUNS) --gate $(BOOT_BENCH_GATE)

# The Debian user's path (issue 13): tools/testing/vtd-kdump/debian/README.md
.PHONY: deb demo-debian
DEMO_DEBIAN_ARGS ?=

deb: deps
	scripts/kernel.sh tree 6.12
	scripts/deb-kernel.sh build baseline
	scripts/deb-kernel.sh build patched

demo-debian: deps
	tools/testing/vtd-kdump/debian/demo-debian.sh $(DEMO_DEBIAN_ARGS)

clean:
	rm -rf build/out build/scenarios out

distclean:
	rm -rf build out
