#!/usr/bin/env python3
"""Writes the broken snapshots in this folder from a good one (tests/graph/snapshot_test.cpp
saves small.skg into the build's tests/output/). Run: make_snapshots.py build/tests/output/small.skg

Each file is one way a snapshot can be unusable; skg must reject each with a reason, never crash.
snapshot_inconsistent_target.skg keeps every checksum valid (recomputed here with skg's own
checksum, graph/snapshot.cpp) but names an edge target past the node count: only the structural
checks in graph/snapshot.cpp can catch it."""
import struct, sys, os

M = (1 << 64) - 1
def hash_bytes(data: bytes) -> int:
    mul = 0x9E3779B97F4A7C15
    size = len(data)
    h = (0x2545F4914F6CDD1D ^ (size * mul)) & M
    at = 0
    while size - at >= 8:
        word = int.from_bytes(data[at:at + 8], 'little')
        h = ((h ^ ((word * mul) & M)) * 0xBF58476D1CE4E5B9) & M
        h ^= h >> 31
        at += 8
    tail = int.from_bytes(data[at:], 'little')
    h = ((h ^ ((tail * mul) & M)) * 0x94D049BB133111EB) & M
    h ^= h >> 29
    h = (h * 0xBF58476D1CE4E5B9) & M
    h ^= h >> 32
    return h

def checksum(data: bytes) -> int:
    mul = 0x9E3779B97F4A7C15
    lane = [0x243F6A8885A308D3, 0x13198A2E03707344, 0xA4093822299F31D0, 0x082EFA98EC4E6C89]
    size = len(data)
    at = 0
    while at + 32 <= size:
        for l in range(4):
            word = int.from_bytes(data[at + 8 * l:at + 8 * l + 8], 'little')
            lane[l] = ((lane[l] ^ word) * mul) & M
            lane[l] ^= lane[l] >> 29
        at += 32
    h = hash_bytes(data[at:]) ^ size
    for l in range(4):
        h = ((h ^ lane[l]) * 0xBF58476D1CE4E5B9) & M
        h ^= h >> 31
    return h

good = open(sys.argv[1], 'rb').read()
here = os.path.dirname(os.path.abspath(__file__))
def write(name, data):
    open(os.path.join(here, name), 'wb').write(data)

write('snapshot_empty.skg', b'')
write('snapshot_truncated.skg', good[:len(good) // 2])
flipped = bytearray(good); flipped[-10] ^= 0x5A
write('snapshot_bitflip.skg', bytes(flipped))
version = bytearray(good); version[8] = 99
write('snapshot_version99.skg', bytes(version))
write('snapshot_not_a_snapshot.skg', b'45815,"TIKHONOV, Andrei Gennadyevich","individual","RUSSIA-EO14024"\r\n')

# Column table: 41 entries of (name[24], element_size u32, reserved u32, count u64, offset u64, checksum u64).
data = bytearray(good)
columns = struct.unpack_from('<I', data, 16)[0]
table_at = 64
for i in range(columns):
    entry = table_at + i * 56
    name = data[entry:entry + 24].split(b'\0')[0].decode()
    size, _, count, offset, _ = struct.unpack_from('<IIQQQ', data, entry + 24)
    if name == 'target' and count > 0:
        struct.pack_into('<I', data, offset, 1_000_000)  # a node that does not exist
        struct.pack_into('<Q', data, entry + 48, checksum(bytes(data[offset:offset + size * count])))
table = bytes(data[table_at:table_at + columns * 56])
struct.pack_into('<Q', data, 32, checksum(table))
write('snapshot_inconsistent_target.skg', bytes(data))
