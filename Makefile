# SPDX-License-Identifier: GPL-2.0
#
# vtd-kdump: top-level driver for the build, the harness and the tests.
#
#   make deps                 install what the build and tests need (Debian 12)
#   make kernel               build the patched kernel (SERIES=none: baseline;
#                             BASE=7.3: on the mainline base)
#   make kernels              build both (BASE=7.3: on the mainline base)
#   make debug-kernel         the patched kernel with lockdep, DEBUG_ATOMIC_SLEEP, DEBUG_LIST
#   make demo                 baseline and patched 6.12 side by side on the
#                             scenarios that show the defects (S2 S3a R W)
#   make demo-full            the kernels of both bases, the whole matrix on
#                             all four, and Debian's own kernel as the primary
#   make demo-debian-primary  only the latter (Debian 6.12 crashes, the
#                             patched 6.12 kernel captures)
#   make test                 what CI runs: userspace, series check, KUnit, QEMU
#   make test-full            make test with the whole matrix on every kind,
#                             kunit.py run, the benches, series links
#   make series               write the upstream series to out/series/BASE/
#                             (BASE=6.12, the default, or BASE=7.3)
#   make series-check         git am onto the base, build each patch, checkpatch
#   make kunit-run            kunit.py run with drivers/iommu/intel/.kunitconfig
#   make bench                walker benchmark (userspace)
#   make iova-bench           IOVA map/unmap cost in a seeded domain (QEMU, patched)
#   make boot-bench           kdump boot time, baseline vs patched (QEMU, 5 runs each)
#   make scale-bench          cost at scale: kdump walk vs bound, M = 1 Ki..16 Mi pages (QEMU)
#   make deb                  the patched and the baseline 6.12 kernel as Debian
#                             packages (make bindeb-pkg, Debian 13's config reduced
#                             with localmodconfig) in build/debian/out/
#   make demo-debian          the Debian user's path end to end: make deb, a
#                             Debian 13 guest with kdump-tools, Debian's kernel,
#                             baseline and patched side by side (build/debian/results.md)

SHELL := /bin/bash
SERIES ?= patched
BASE ?= 6.12
export BASE
ifeq ($(SERIES),none)
KIND := baseline
else
KIND := patched
endif
ifneq ($(BASE),6.12)
KIND := $(KIND)-$(BASE)
endif

.PHONY: deps tree kernel kernels debug-kernel demo demo-full demo-debian-primary test test-full series series-check bench userspace-test kunit-run scenarios clean distclean

deps:
	scripts/deps.sh

tree:
	scripts/kernel.sh tree $(BASE)

kernel: tree
	scripts/kernel.sh build $(KIND)

kernels: tree
	scripts/kernel.sh build $(patsubst patched%,baseline%,$(KIND))
	scripts/kernel.sh build $(patsubst baseline%,patched%,$(KIND))

debug-kernel: tree
	scripts/kernel.sh build debug

# make demo: the point in about 15 minutes on a new machine: 6.12 as Debian
# ships it and with the series, side by side on the scenarios that show the
# defects (stale DMA into the kdump driver's new buffer, S2; into the kdump
# kernel's own memory through a damaged leaf, S3a; real disks busy at the
# panic, R; an e1000's frames across the attach, W), with the tables and the
# expectations checked
DEMO_SCENARIOS ?= S2 S3a R W
demo:
	scripts/deps.sh
	$(MAKE) kernels BASE=6.12
	rm -rf build/scenarios
	tools/testing/vtd-kdump/qemu/scenarios.sh --kernels "baseline patched" \
		--scenarios "$(DEMO_SCENARIOS)" --jobs 2 --check

# make demo-full: both bases, the whole matrix on all four kernels, and
# Debian's own 6.12 kernel as the primary
demo-full:
	scripts/deps.sh debian-kernel
	$(MAKE) kernels BASE=6.12
	$(MAKE) kernels BASE=7.3
	rm -rf build/scenarios
	tools/testing/vtd-kdump/qemu/scenarios.sh \
		--kernels "baseline patched baseline-7.3 patched-7.3 debian-primary" \
		--only debian-primary "$(DEBIAN_PRIMARY_SCENARIOS)" --jobs 2 --check

# Debian's own 6.12 kernel as the primary (its config: scalable mode on, DMA
# lazy), the patched 6.12 kernel as the kdump kernel (issue 10)
DEBIAN_PRIMARY_SCENARIOS ?= S1 S2 S3a S2@sm S3a@sm S2@fl S3a@fl R@sm W@sm
demo-debian-primary:
	scripts/deps.sh debian-kernel
	$(MAKE) kernel
	tools/testing/vtd-kdump/qemu/scenarios.sh --kernels debian-primary \
		--scenarios "$(DEBIAN_PRIMARY_SCENARIOS)" --check

test:
	scripts/test-all.sh

# every scenario on every kind, kunit.py run, the benches, the series check
# linking every patch: before resolving an issue that changed kernel code
test-full:
	scripts/test-all.sh --full

series: tree
	scripts/series.sh generate

# every patch linked too (CI, in make test, links the last one only)
series-check: series
	SERIES_FULL=1 scripts/series.sh check

kunit-run: tree
	scripts/kunit.sh run

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

# Cost at scale, in the kernel (issue 14): build/scale/{results.md,scale.png}
.PHONY: scale-bench
scale-bench:
	tools/testing/vtd-kdump/qemu/scale-bench.sh

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
