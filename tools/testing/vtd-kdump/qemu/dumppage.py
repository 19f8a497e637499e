#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Read one physical page from a dump without vmlinux and name its content.

    dumppage.py VMCORE PHYS_ADDR [--hex]

VMCORE is makedumpfile's kdump-compressed format (uncompressed, zlib or lzo
pages; lzo through the system's liblzo2) or an ELF core.  Prints the name of
the first 2 KiB as vtdk_edu.c's pat_name() does (old, stale, new, zero,
partly-stale, other), "excluded" when the page is not in the dump, or the
256 words with --hex.
"""
import ctypes
import struct
import sys
import zlib

PAT_OLD = 0x4F4C444255460000
PAT_STALE = 0x5354414C45000000
PAT_NEW = 0x4E45574255460000
WORDS = 256


def pat_name(data):
    words = struct.unpack("<%dQ" % WORDS, data[: WORDS * 8])
    cnt = {"old": 0, "stale": 0, "new": 0, "zero": 0}
    for i, w in enumerate(words):
        if w == PAT_OLD | i:
            cnt["old"] += 1
        elif w == PAT_STALE | i:
            cnt["stale"] += 1
        elif w == PAT_NEW | i:
            cnt["new"] += 1
        elif w == 0:
            cnt["zero"] += 1
    for k in ("stale", "old", "new", "zero"):
        if cnt[k] == WORDS:
            return k
    return "partly-stale" if cnt["stale"] else "other"


def lzo_decompress(buf, outlen):
    lib = ctypes.CDLL("liblzo2.so.2")
    out = ctypes.create_string_buffer(outlen)
    n = ctypes.c_size_t(outlen)
    rc = lib.lzo1x_decompress_safe(buf, ctypes.c_size_t(len(buf)), out, ctypes.byref(n), None)
    if rc != 0:
        raise ValueError("lzo error %d" % rc)
    return out.raw[: n.value]


def read_kdump(f, paddr):
    f.seek(0)
    hdr = f.read(4096)
    version = struct.unpack_from("<i", hdr, 8)[0]
    # signature[8], version, utsname (6 * 65), pad, timeval (16)
    off = (12 + 6 * 65 + 7) & ~7
    off += 16
    status, block_size, sub_hdr_size, bitmap_blocks, max_mapnr = struct.unpack_from("<IiiII", hdr, off)
    f.seek(block_size)
    sub = f.read(block_size * sub_hdr_size)
    if version >= 6:
        # phys_base, dump_level(+pad), split(+pad), start_pfn, end_pfn,
        # 6 x (offset, size), start_pfn_64, end_pfn_64, max_mapnr_64
        max_mapnr = struct.unpack_from("<Q", sub, 8 * 5 + 16 * 3 + 16)[0]
    pfn = paddr // block_size
    if pfn >= max_mapnr:
        return None
    bm_off = block_size * (1 + sub_hdr_size)
    half = bitmap_blocks * block_size // 2
    f.seek(bm_off + half)
    bm2 = f.read(half)
    if not (bm2[pfn >> 3] >> (pfn & 7)) & 1:
        return None
    idx = sum(bin(b).count("1") for b in bm2[: pfn >> 3])
    idx += bin(bm2[pfn >> 3] & ((1 << (pfn & 7)) - 1)).count("1")
    desc_off = block_size * (1 + sub_hdr_size + bitmap_blocks) + idx * 24
    f.seek(desc_off)
    offset, size, flags, _pflags = struct.unpack("<qIIQ", f.read(24))
    f.seek(offset)
    data = f.read(size)
    if flags & 0x1:
        data = zlib.decompress(data)
    elif flags & 0x2:
        data = lzo_decompress(data, block_size)
    elif flags & (0x4 | 0x20):
        raise ValueError("snappy/zstd pages are not supported here")
    return data[(paddr % block_size):]


def read_elf(f, paddr):
    f.seek(0)
    eh = f.read(64)
    phoff, = struct.unpack_from("<Q", eh, 32)
    phentsize, phnum = struct.unpack_from("<HH", eh, 54)
    for i in range(phnum):
        f.seek(phoff + i * phentsize)
        p_type, _flags, p_offset, _vaddr, p_paddr, p_filesz = struct.unpack("<IIQQQQ", f.read(40))
        if p_type == 1 and p_paddr <= paddr < p_paddr + p_filesz:
            f.seek(p_offset + paddr - p_paddr)
            return f.read(WORDS * 8)
    return None


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    paddr = int(sys.argv[2], 0)
    with open(sys.argv[1], "rb") as f:
        magic = f.read(8)
        if magic.startswith(b"KDUMP"):
            data = read_kdump(f, paddr)
        elif magic.startswith(b"\x7fELF"):
            data = read_elf(f, paddr)
        else:
            sys.exit("unknown dump format")
    if data is None:
        print("excluded")
    elif "--hex" in sys.argv:
        for w in struct.unpack("<%dQ" % WORDS, data[: WORDS * 8]):
            print("%016x" % w)
    else:
        print(pat_name(data))


if __name__ == "__main__":
    main()
