;; WebAssembly twin of the CPU rate engine's hottest loop (cpu.ts, step(): the dot products of every unit of a
;; population with its presynaptic rates, one block at a time). Source of truth for rateKernels.wasm.ts, which
;; `npx tsx scripts/build-wasm.ts` generates (test/unit/rateKernels.test.ts checks that it is current and that
;; the engine gives the same bits with and without it). 128-bit SIMD; without it the engine keeps its JS path.
;;
;; Bit-identical to the JavaScript path, operation by operation (the argument of src/engine/cpu/kernels.wat):
;;  - The JS path computes dot = Math.fround(dot + Math.fround(W[i][j] * r[j])) for j = 0, 1, ..., nPre - 1,
;;    from dot = 0. For f32 inputs, Math.fround(a op b) with op in {+, *} is the correctly rounded f32 result
;;    (53 >= 2 * 24 + 2: rounding twice is innocuous), which is what f32.add / f32.mul and the lane-wise
;;    f32x4.add / f32x4.mul compute (IEEE single, round to nearest even; no flushing of subnormals; no relaxed
;;    SIMD, no fused multiply-add). 0 + (-0) is +0 in both.
;;  - SIMD runs over post units, not over j: lane k of a group holds post unit i + k and accumulates its own
;;    dot over j in the JS order, so every lane performs exactly the JS path's sequence of operations. The
;;    weights are read from a transposed copy WT[j * nPost + i] = W[i * nPre + j] (made by the engine before
;;    each trial from the row-major weights), so the 4 lanes of one j are one load. Post units beyond the last
;;    group of 4 run in the scalar code, with the same operations.
;;  - Not covered: NaN payload bits (WebAssembly leaves them unspecified); a NaN is a NaN either way.
;;
;; And the OU noise's random words (cpu.ts step(), part 1): "words" writes Philox4x32-10 (src/rng/philox.ts) of
;; counter (step, k, network, trial) and key (seed, stream) for k < nPairs, 4 words each; unit i then uses words
;; 2i and 2i + 1, as the JS path does. The 32 x 32 -> 64-bit products are i64.mul of the zero-extended words:
;; exactly philox.ts's mulhi32 / Math.imul (integer arithmetic, no rounding; kernels.wat's $philoxHalves).
;;
;; Memory: imported (one per engine, sized once, never grown, so the engine's typed-array views stay valid).
;; All pointers are byte offsets; f32 arrays, WT 16-byte aligned.
(module
  (import "env" "memory" (memory 1))

  ;; out[i] = sum_j WT[j * nPost + i] * r[j] (f32, j ascending, from +0), i < nPost
  (func (export "dots") (param $wt i32) (param $r i32) (param $out i32) (param $nPost i32) (param $nPre i32)
    (local $i i32) (local $j i32) (local $acc v128) (local $p i32) (local $q i32) (local $rowBytes i32)
    (local $s f32) (local $n4 i32)
    (local.set $rowBytes (i32.shl (local.get $nPost) (i32.const 2)))
    (local.set $n4 (i32.and (local.get $nPost) (i32.const -4)))
    ;; groups of 4 post units
    (block $g_done
      (loop $g
        (br_if $g_done (i32.ge_u (local.get $i) (local.get $n4)))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $wt) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $q (local.get $r))
        (local.set $j (i32.const 0))
        (block $j_done
          (loop $jl
            (br_if $j_done (i32.ge_u (local.get $j) (local.get $nPre)))
            (local.set $acc
              (f32x4.add (local.get $acc)
                (f32x4.mul (v128.load (local.get $p)) (f32x4.splat (f32.load (local.get $q))))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (local.set $q (i32.add (local.get $q) (i32.const 4)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jl)))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (local.get $acc))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $g)))
    ;; the remaining post units, one at a time
    (block $s_done
      (loop $sl
        (br_if $s_done (i32.ge_u (local.get $i) (local.get $nPost)))
        (local.set $s (f32.const 0))
        (local.set $p (i32.add (local.get $wt) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $q (local.get $r))
        (local.set $j (i32.const 0))
        (block $j2_done
          (loop $j2
            (br_if $j2_done (i32.ge_u (local.get $j) (local.get $nPre)))
            (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $p)) (f32.load (local.get $q)))))
            (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
            (local.set $q (i32.add (local.get $q) (i32.const 4)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $j2)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (local.get $s))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $sl)))
  )

  ;; out[4k .. 4k + 3] = philox4x32(counter (c0, k, c2, c3), key (k0, k1)), k < nPairs (u32 at byte offset out)
  (func (export "words") (param $out i32) (param $nPairs i32) (param $c0 i32) (param $c2 i32) (param $c3 i32) (param $key0 i32) (param $key1 i32)
    (local $k i32) (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $k0 i32) (local $k1 i32)
    (local $r i32) (local $p0 i64) (local $p1 i64) (local $o i32)
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $k) (local.get $nPairs)))
        (local.set $x0 (local.get $c0))
        (local.set $x1 (local.get $k))
        (local.set $x2 (local.get $c2))
        (local.set $x3 (local.get $c3))
        (local.set $k0 (local.get $key0))
        (local.set $k1 (local.get $key1))
        (local.set $r (i32.const 0))
        (loop $round
          (local.set $p0 (i64.mul (i64.const 0xd2511f53) (i64.extend_i32_u (local.get $x0))))
          (local.set $p1 (i64.mul (i64.const 0xcd9e8d57) (i64.extend_i32_u (local.get $x2))))
          (local.set $x0 (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $p1) (i64.const 32))) (local.get $x1)) (local.get $k0)))
          (local.set $x1 (i32.wrap_i64 (local.get $p1)))
          (local.set $x2 (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $p0) (i64.const 32))) (local.get $x3)) (local.get $k1)))
          (local.set $x3 (i32.wrap_i64 (local.get $p0)))
          (local.set $k0 (i32.add (local.get $k0) (i32.const 0x9e3779b9)))
          (local.set $k1 (i32.add (local.get $k1) (i32.const 0xbb67ae85)))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $round (i32.lt_u (local.get $r) (i32.const 10))))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 4))))
        (i32.store (local.get $o) (local.get $x0))
        (i32.store offset=4 (local.get $o) (local.get $x1))
        (i32.store offset=8 (local.get $o) (local.get $x2))
        (i32.store offset=12 (local.get $o) (local.get $x3))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $pair)))
  )
)
