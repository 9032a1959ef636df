#!/usr/bin/env python3
"""Writes tile_kernels.S: hand-scheduled AVX-512 loops of the register tiles Kiln's conv2d
kernels use, as a ceiling to hold the generated kernels against (see run.sh).

Each kernel runs a 1x1 convolution's reduction for one tile: per input channel, kvec weight
vectors (16 output channels each) times px input pixels, each pixel's value broadcast with
vbroadcastss into one register (as LLVM 14 emits it for Kiln's kernels), kvec * px accumulators
in registers. The data layout is Kiln's: input NCHWc16 (one pixel's 16 channels contiguous,
the next channel block `in_block_stride` bytes further), weights [k block][c][16] (the kvec
streams `w_stride` bytes apart). No epilogue, no stores: only the loop under test.

  void kernel(const float* w, const float* in, long blocks, long w_stride, long in_block_stride)
"""
import sys

TILES = [(2, 14), (3, 7), (2, 7), (4, 6), (4, 4), (8, 2)]  # (kvec, px); Kiln picks 2x14, 3x7, 2x7
# oneDNN's form for comparison: every FMA takes its input value as a {1to16} memory operand, so
# no broadcast register, 4x7 fits, and each FMA issues a load.
EMBEDDED = [(2, 14), (4, 7)]
# Diagnostics, not convolutions: 2x14 with its broadcasts left out (the broadcast register holds
# one value throughout), and with each broadcast replaced by a NOP of the same length (the same
# code bytes for the front end to fetch and decode, no load): together they tell whether the
# broadcasts cost their loads or their instruction bytes.
NO_BROADCAST = [(2, 14)]


def kernel(kvec, px, prefetch, embedded=False, broadcasts="load"):
    name = (f"kiln_tile_{kvec}x{px}" + ("_pf" if prefetch else "") +
            ("_embedded" if embedded else "") +
            {"load": "", "none": "_no_broadcasts", "nop": "_nop_broadcasts"}[broadcasts])
    acc = kvec * px
    w = [acc + k for k in range(kvec)]
    b = acc + kvec
    assert b < 32 or (embedded and b == 32)
    # Weight stream k at %rdi + k * %rcx: %r9 = 3, %r10 = 5, %r11 = 7 times %rcx.
    stream = ["{0}(%rdi)", "{0}(%rdi,%rcx)", "{0}(%rdi,%rcx,2)", "{0}(%rdi,%r9)",
              "{0}(%rdi,%rcx,4)", "{0}(%rdi,%r10)", "{0}(%rdi,%r9,2)", "{0}(%rdi,%r11)"]
    out = [f".globl {name}", f".type {name},@function", f"{name}:"]
    out += [f"  vpxord %zmm{i}, %zmm{i}, %zmm{i}" for i in range(acc)]
    out += ["  lea (%rcx,%rcx,2), %r9", "  lea (%rcx,%rcx,4), %r10", "  lea (%r9,%rcx,4), %r11",
            "  .p2align 6", f".L{name}_block:"]
    for j in range(16):  # the 16 channels of one input block, unrolled
        out += [f"  vmovups {stream[k].format(j * 64)}, %zmm{w[k]}" for k in range(kvec)]
        if prefetch and j < px:  # the next block's line of pixel j, as prefetch_next_channel_block
            out.append(f"  prefetcht0 {j * 64}(%rsi,%r8)")
        for p in range(px):
            value = f"{p * 64 + j * 4}(%rsi)"
            if embedded:
                out += [f"  vfmadd231ps {value}{{1to16}}, %zmm{w[k]}, %zmm{k * px + p}"
                        for k in range(kvec)]
                continue
            if broadcasts == "load":
                out.append(f"  vbroadcastss {value}, %zmm{b}")
            elif broadcasts == "nop":  # EVEX + disp8*4 is 7 bytes, with a disp32 10
                out.append(f"  .nops {7 if p * 64 + j * 4 <= 508 else 10}")
            out += [f"  vfmadd231ps %zmm{b}, %zmm{w[k]}, %zmm{k * px + p}" for k in range(kvec)]
    out += ["  add $1024, %rdi", "  add %r8, %rsi", "  dec %rdx", f"  jnz .L{name}_block",
            "  vzeroupper", "  ret", f".size {name}, .-{name}"]
    return name, "\n".join(out)


def main(path):
    text = [".text"]
    names = []
    variants = [(kvec, px, prefetch, False, "load") for kvec, px in TILES
                for prefetch in (False, True)]
    variants += [(kvec, px, True, True, "load") for kvec, px in EMBEDDED]
    variants += [(kvec, px, False, False, b) for kvec, px in NO_BROADCAST for b in ("none", "nop")]
    for kvec, px, prefetch, embedded, broadcasts in variants:
        name, body = kernel(kvec, px, prefetch, embedded, broadcasts)
        names.append((name, kvec, px, prefetch))
        text.append(body)
    # Peak: 24 independent FMA chains on registers, no memory.
    text += [".globl kiln_fma_peak", ".type kiln_fma_peak,@function", "kiln_fma_peak:",
             *[f"  vpxord %zmm{r}, %zmm{r}, %zmm{r}" for r in range(26)], "  .p2align 6", ".Lpeak:"]
    text += [f"  vfmadd231ps %zmm0, %zmm1, %zmm{r}" for r in range(2, 26)]
    text += ["  dec %rdi", "  jnz .Lpeak", "  vzeroupper", "  ret",
             '.section .note.GNU-stack,"",@progbits']
    with open(path, "w") as f:
        f.write("\n".join(text) + "\n")
    with open(path.replace(".S", ".inc"), "w") as f:
        for name, kvec, px, prefetch in names:
            f.write(f'TILE({name}, {kvec}, {px}, {"true" if prefetch else "false"})\n')


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tile_kernels.S")
