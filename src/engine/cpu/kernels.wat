;; WebAssembly twins of the CPU engine's hottest loops: integrateFused (neuronUpdate.ts), the decay
;; loops of traceUpdatePass (traceUpdate.ts), the static propagation and the pair-STDP row walk of the
;; synapse passes (synapsePass.ts, pair.ts, pairDeferred.ts; arrays placed by synapseKernels.ts). Source of truth for src/engine/cpu/kernels.wasm.ts, which
;; `npx tsx scripts/build-wasm.ts` generates (test/unit/wasmKernels.test.ts checks that it is current).
;; Uses 128-bit SIMD (every browser with WebGPU has it, Node >= 16.4); without it the module does not
;; compile and the engine keeps its JavaScript path.
;;
;; Bit-identical to the JavaScript path, operation by operation:
;;  - The JS path computes each f32 operation in f64 and rounds it, Math.fround(a op b). For f32 inputs
;;    a, b and op in {+, -, *, /} that is the correctly rounded f32 result (53 >= 2 * 24 + 2: rounding
;;    twice is innocuous), which is what f32.add/sub/mul and the lane-wise f32x4.add/sub/mul compute here
;;    (IEEE single, round to nearest even; WebAssembly does not flush subnormals; no relaxed SIMD, no
;;    fused multiply-add). The order of the operations is the JS path's, unchanged.
;;  - Mixed f64 expressions of the JS path (the fixed-point join f(c + f(a) * 2^-20), and expF32) are
;;    computed in f64 here too (f64 / f64x2 lanes), with the same operations in the same order, then
;;    demoted (= Math.fround). f64 <-> f32 conversions are exact or correctly rounded as in JS.
;;  - expF32's fallback calls the imported JavaScript Math.exp, so it returns f(Math.exp(x)) as the JS path.
;;  - Provably equal rather than operation by operation: exBlock's 4-lane exponential (a finer table, a
;;    shorter polynomial, a band test on the bits; it returns f(Math.exp(x)) exactly, as expF32 does: see
;;    there, and bench/expcheck.ts --wasm over every f32 x), and pairRow's trace rebuild in f32 (f(x * decay)
;;    with an f32 decay is the f32 product).
;;  - Branches become lane masks: a lane computes both sides and the stored bits are selected, which
;;    stores exactly what the JS path stores on its side of the branch (values computed and not selected
;;    have no effect). Groups of 4 elements run in SIMD, the rest (< 4) in the scalar code.
;;  - Not covered: NaN payload bits (WebAssembly leaves the payload of a NaN result unspecified; a NaN V
;;    or weight stops the run at the bin's 'nan' guard either way). test/unit/wasmKernels.test.ts checks
;;    the rest, bit for bit, on random states.
;;
;; Memory (imported, one per engine, never grown, so the engine's typed-array views stay valid), laid out
;; and filled by wasmKernels.ts (KernelArena) from expF32.ts's own tables and constants, so the kernels use
;; exactly the JS path's values (and load SIMD constants with one instruction, where V8 would rebuild a
;; v128.const in each loop iteration):
;;   [0, 2048)     EXP_P2[k] = 2^(k - 128), k < 256 (f64)
;;   [2048, 2560)  EXP_T[j] = 2^(j / 64), j < 64 (f64)
;;   [2560, 2816)  input-channel table (i32, "neurons"' inTab)     [2816, 3840)  "neurons"' ex scratch
;;   [3840, 4160)  constants, one per 16 bytes (the value in every lane), at 3840 + 16 k:
;;     k  0: -80          1: 80               2: INV_LN2_64 = 64 / Math.LN2    3: ROUND_SHIFT = 1.5 * 2^52
;;     k  4: LN2_64_HI = f32(Math.LN2 / 64)    5: LN2_64_LO = Math.LN2 / 64 - LN2_64_HI
;;     k  6: 1/6          7: 1/24             8: BAND_DN = 1 - 2^-36           9: BAND_UP = 1 + 2^-36
;;     k 10: 1           11: 0.5             12: 128 (i32 lanes)              13: 63 (i32 lanes)
;;     k 14: FIXED_INV_SCALE = 2^-20         15: 2147483647                   16: -2147483648   (f64 unless noted)
;;     k 17: INV_LN2_1024 = 1024 / Math.LN2  18: LN2_1024_HI = f32(Math.LN2 / 1024)  19: LN2_1024_LO = Math.LN2 / 1024 - HI
;;   [4160, 12352) EXP_T1024[j] = 2^(j / 1024), j < 1024 (f64): exBlock's 4-lane path
;;   [12352, ...)  the state arrays, at the byte offsets passed to each function.
(module
  (import "env" "memory" (memory 1))
  (import "env" "exp" (func $mathExp (param f64) (result f64)))

  ;; ---- expF32 (expF32.ts): exactly Math.fround(Math.exp(x)) ------------------------------------------
  ;; expF32.ts's algorithm and constants (the table above), operation by operation:
  ;;   if !(-80 < x < 80) return f(Math.exp(x))
  ;;   n = x * INV_LN2_64 + ROUND_SHIFT - ROUND_SHIFT;  r = x - n * LN2_64_HI - n * LN2_64_LO
  ;;   p = 1 + r * (1 + r * (0.5 + r * (1/6 + r * (1/24))));  ni = n | 0
  ;;   y = EXP_P2[(ni >> 6) + 128] * EXP_T[ni & 63] * p;  lo = f(y * BAND_DN)
  ;;   return lo === f(y * BAND_UP) ? lo : f(Math.exp(x))
  (func $exp1 (param $x f64) (result f32)
    (local $n f64) (local $r f64) (local $p f64) (local $ni i32) (local $y f64) (local $lo f32)
    (if (i32.eqz (i32.and (f64.gt (local.get $x) (f64.load offset=3840 (i32.const 0))) (f64.lt (local.get $x) (f64.load offset=3856 (i32.const 0)))))
      (then (return (f32.demote_f64 (call $mathExp (local.get $x))))))
    (local.set $n
      (f64.sub
        (f64.add (f64.mul (local.get $x) (f64.load offset=3872 (i32.const 0))) (f64.load offset=3888 (i32.const 0)))
        (f64.load offset=3888 (i32.const 0))))
    (local.set $r
      (f64.sub
        (f64.sub (local.get $x) (f64.mul (local.get $n) (f64.load offset=3904 (i32.const 0))))
        (f64.mul (local.get $n) (f64.load offset=3920 (i32.const 0)))))
    (local.set $p
      (f64.add (f64.load offset=4000 (i32.const 0))
        (f64.mul (local.get $r)
          (f64.add (f64.load offset=4000 (i32.const 0))
            (f64.mul (local.get $r)
              (f64.add (f64.load offset=4016 (i32.const 0))
                (f64.mul (local.get $r)
                  (f64.add (f64.load offset=3936 (i32.const 0))
                    (f64.mul (local.get $r) (f64.load offset=3952 (i32.const 0)))))))))))
    (local.set $ni (i32.trunc_f64_s (local.get $n)))
    (local.set $y
      (f64.mul
        (f64.mul
          (f64.load (i32.shl (i32.add (i32.shr_s (local.get $ni) (i32.const 6)) (i32.load offset=4032 (i32.const 0))) (i32.const 3)))
          (f64.load offset=2048 (i32.shl (i32.and (local.get $ni) (i32.load offset=4048 (i32.const 0))) (i32.const 3))))
        (local.get $p)))
    (local.set $lo (f32.demote_f64 (f64.mul (local.get $y) (f64.load offset=3968 (i32.const 0)))))
    (if (result f32) (f32.eq (local.get $lo) (f32.demote_f64 (f64.mul (local.get $y) (f64.load offset=3984 (i32.const 0)))))
      (then (local.get $lo))
      (else (f32.demote_f64 (call $mathExp (local.get $x))))))

  ;; exBlock: ex[k] = f(gLdT * expF32(f(f(v[k] - vT) * invDT))) for k < n (f32 arrays at byte offsets v,
  ;; ex): the exponential term of n EIF neurons, computed ahead of their updates (vT = 0, invDT = 1,
  ;; gLdT = 1: ex = expF32(v); bench/expcheck.ts --wasm). Groups of 4 neurons: x in f32x4 lanes; when all 4
  ;; lie in (-80, 80), two f64x2 halves compute expF32's y with the finer table of expF32.ts (EXP_T1024,
  ;; degree-2 polynomial: y within 2^-37 of e^x), and the band test is made on y's bits (below: a sufficient
  ;; condition for every value within 2^-36 y of y to round to f(y)); a group with a lane outside (-80, 80)
  ;; or failing the test (about 1 in 500) is redone lane by lane with $exp1. The last n mod 4 neurons go
  ;; through $exp1.
  (func $exBlock (export "exBlock") (param $v i32) (param $ex i32) (param $n i32) (param $vT f32) (param $invDT f32) (param $gLdT f32)
    (local $end i32) (local $end4 i32)
    (local $x4 v128) (local $x v128) (local $t v128) (local $nn v128) (local $r v128) (local $p v128)
    (local $jb v128) (local $y v128) (local $yA v128) (local $yB v128) (local $lo v128) (local $m29 v128) (local $half28 v128) (local $band17 v128)
    (local $vT4 v128) (local $invDT4 v128) (local $gLdT4 v128) (local $m1023 v128) (local $hi80 v128)
    (local.set $vT4 (f32x4.splat (local.get $vT)))
    (local.set $invDT4 (f32x4.splat (local.get $invDT)))
    (local.set $gLdT4 (f32x4.splat (local.get $gLdT)))
    (local.set $m1023 (i64x2.splat (i64.const 1023)))
    (local.set $hi80 (f32x4.splat (f32.const 80)))
    (local.set $m29 (i32x4.splat (i32.const 0x1fffffff)))
    (local.set $half28 (i32x4.splat (i32.const 0x10000000)))
    (local.set $band17 (i32x4.splat (i32.const 0x20000)))
    (local.set $end (i32.add (local.get $v) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $v) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done4
      (br_if $done4 (i32.ge_u (local.get $v) (local.get $end4)))
      (loop $l4
        (local.set $x4 (f32x4.mul (f32x4.sub (v128.load (local.get $v)) (local.get $vT4)) (local.get $invDT4)))
        (block $store
          (block $fallback
            ;; |x| < 80 in every lane, i.e. -80 < x < 80 (NaN fails; on f32 lanes: the JS path's comparison of the f64 value)
            (br_if $fallback (i32.eqz (i32x4.all_true (f32x4.lt (f32x4.abs (local.get $x4)) (local.get $hi80)))))
              ;; lanes 0, 1: x in f64, t = x * INV_LN2_64 + ROUND_SHIFT, n = t - ROUND_SHIFT
              (local.set $x (f64x2.promote_low_f32x4 (local.get $x4)))
              (local.set $t (f64x2.add (f64x2.mul (local.get $x) (v128.load offset=4112 (i32.const 0))) (v128.load offset=3888 (i32.const 0))))
              (local.set $nn (f64x2.sub (local.get $t) (v128.load offset=3888 (i32.const 0))))
              ;; r = x - n * LN2_1024_HI - n * LN2_1024_LO
              (local.set $r
                (f64x2.sub
                  (f64x2.sub (local.get $x) (f64x2.mul (local.get $nn) (v128.load offset=4128 (i32.const 0))))
                  (f64x2.mul (local.get $nn) (v128.load offset=4144 (i32.const 0)))))
              ;; p = 1 + r * (1 + r * 0.5)
              (local.set $p
                (f64x2.add (v128.load offset=4000 (i32.const 0))
                  (f64x2.mul (local.get $r)
                    (f64x2.add (v128.load offset=4000 (i32.const 0)) (f64x2.mul (local.get $r) (v128.load offset=4016 (i32.const 0)))))))
              ;; the bits of t are ROUND_SHIFT's plus n (t lies in [2^52, 2^53), where the f64 step is 1, and
              ;; ROUND_SHIFT's low 51 bits are 0): j = n & 1023 = t & 1023 -> byte offset 8 j of EXP_T1024[j];
              ;; (t & ~1023) << 42 = (n >> 10) << 52 (ROUND_SHIFT's bits shift out), 2^(n >> 10)'s exponent step
              (local.set $jb (i64x2.shl (v128.and (local.get $t) (local.get $m1023)) (i32.const 3)))
              ;; y = EXP_T1024[j] * p * 2^(n >> 10), the last product by adding to the exponent field (exact:
              ;; |n >> 10| <= 116, no overflow, no subnormal)
              (local.set $y
                (i64x2.add
                  (f64x2.mul
                    (v128.load64_lane offset=4160 1 (i32x4.extract_lane 2 (local.get $jb))
                      (v128.load64_zero offset=4160 (i32x4.extract_lane 0 (local.get $jb))))
                    (local.get $p))
                  (i64x2.shl (v128.andnot (local.get $t) (local.get $m1023)) (i32.const 42))))
              (local.set $yA (local.get $y))
              ;; lanes 2, 3: x in f64, t = x * INV_LN2_64 + ROUND_SHIFT, n = t - ROUND_SHIFT
              (local.set $x (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x4) (local.get $x4))))
              (local.set $t (f64x2.add (f64x2.mul (local.get $x) (v128.load offset=4112 (i32.const 0))) (v128.load offset=3888 (i32.const 0))))
              (local.set $nn (f64x2.sub (local.get $t) (v128.load offset=3888 (i32.const 0))))
              ;; r = x - n * LN2_1024_HI - n * LN2_1024_LO
              (local.set $r
                (f64x2.sub
                  (f64x2.sub (local.get $x) (f64x2.mul (local.get $nn) (v128.load offset=4128 (i32.const 0))))
                  (f64x2.mul (local.get $nn) (v128.load offset=4144 (i32.const 0)))))
              ;; p = 1 + r * (1 + r * 0.5)
              (local.set $p
                (f64x2.add (v128.load offset=4000 (i32.const 0))
                  (f64x2.mul (local.get $r)
                    (f64x2.add (v128.load offset=4000 (i32.const 0)) (f64x2.mul (local.get $r) (v128.load offset=4016 (i32.const 0)))))))
              ;; the bits of t are ROUND_SHIFT's plus n (t lies in [2^52, 2^53), where the f64 step is 1, and
              ;; ROUND_SHIFT's low 51 bits are 0): j = n & 1023 = t & 1023 -> byte offset 8 j of EXP_T1024[j];
              ;; (t & ~1023) << 42 = (n >> 10) << 52 (ROUND_SHIFT's bits shift out), 2^(n >> 10)'s exponent step
              (local.set $jb (i64x2.shl (v128.and (local.get $t) (local.get $m1023)) (i32.const 3)))
              ;; y = EXP_T1024[j] * p * 2^(n >> 10), the last product by adding to the exponent field (exact:
              ;; |n >> 10| <= 116, no overflow, no subnormal)
              (local.set $y
                (i64x2.add
                  (f64x2.mul
                    (v128.load64_lane offset=4160 1 (i32x4.extract_lane 2 (local.get $jb))
                      (v128.load64_zero offset=4160 (i32x4.extract_lane 0 (local.get $jb))))
                    (local.get $p))
                  (i64x2.shl (v128.andnot (local.get $t) (local.get $m1023)) (i32.const 42))))
              (local.set $yB (local.get $y))
            ;; lo = f(y) in the 4 lanes, kept where every y's low 29 bits L (those f32 rounding drops) are more than
            ;; 2^17 from the halfway value 2^28: then every value within 2^-36 y of y (2^-36 y < 2^17 steps of y's
            ;; binade), e^x and Math.exp(x) included, rounds to f(y) (the nearest rounding boundary is |L - 2^28|
            ;; steps away, or 2^27 or more below a power of two)
            (local.set $lo (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero (local.get $yA)) (f32x4.demote_f64x2_zero (local.get $yB))))
            (br_if $store (i32x4.all_true (i32x4.gt_s
              (i32x4.abs (i32x4.sub
                (v128.and (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $yA) (local.get $yB)) (local.get $m29))
                (local.get $half28)))
              (local.get $band17)))))
          ;; fallback for this group
          (local.set $lo (f32x4.replace_lane 0 (local.get $lo) (call $exp1 (f64.promote_f32 (f32x4.extract_lane 0 (local.get $x4))))))
          (local.set $lo (f32x4.replace_lane 1 (local.get $lo) (call $exp1 (f64.promote_f32 (f32x4.extract_lane 1 (local.get $x4))))))
          (local.set $lo (f32x4.replace_lane 2 (local.get $lo) (call $exp1 (f64.promote_f32 (f32x4.extract_lane 2 (local.get $x4))))))
          (local.set $lo (f32x4.replace_lane 3 (local.get $lo) (call $exp1 (f64.promote_f32 (f32x4.extract_lane 3 (local.get $x4)))))))
        (v128.store (local.get $ex) (f32x4.mul (local.get $gLdT4) (local.get $lo)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (local.set $ex (i32.add (local.get $ex) (i32.const 16)))
        (br_if $l4 (i32.lt_u (local.get $v) (local.get $end4)))))
    (block $done
      (br_if $done (i32.ge_u (local.get $v) (local.get $end)))
      (loop $l
        (f32.store (local.get $ex)
          (f32.mul (local.get $gLdT)
            (call $exp1 (f64.promote_f32 (f32.mul (f32.sub (f32.load (local.get $v)) (local.get $vT)) (local.get $invDT))))))
        (local.set $v (i32.add (local.get $v) (i32.const 4)))
        (local.set $ex (i32.add (local.get $ex) (i32.const 4)))
        (br_if $l (i32.lt_u (local.get $v) (local.get $end))))))

  ;; ---- the fixed-point join --------------------------------------------------------------------------
  ;; join: an input channel's join for k < n (cur f32 at byte offset c, acc f64 at a), as the JS path:
  ;;   a = acc[k]; if (a !== 0) { cur[k] = f(cur[k] + f(a) * 2^-20); acc[k] = +0 }   (f64 arithmetic)
  ;; (no i32 range check: the engine's 'check' pass guards input channels that can overflow). Groups of 4:
  ;; both values computed, the stored bits selected by the lane mask a != 0 (a is non-zero at random, a
  ;; branch would mispredict). The last n mod 4 elements go through the scalar loop.
  (func $join (param $c i32) (param $a i32) (param $n i32)
    (local $k i32) (local $n4 i32) (local $x f64) (local $cv v128) (local $a01 v128) (local $a23 v128) (local $m01 v128) (local $m23 v128)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done4
      (br_if $done4 (i32.ge_s (local.get $k) (local.get $n4)))
      (loop $l4
        (local.set $a01 (v128.load (local.get $a)))
        (local.set $a23 (v128.load offset=16 (local.get $a)))
        (local.set $cv (v128.load (local.get $c)))
        (local.set $m01 (f64x2.ne (local.get $a01) (v128.const f64x2 0 0)))
        (local.set $m23 (f64x2.ne (local.get $a23) (v128.const f64x2 0 0)))
        (v128.store (local.get $c)
          (v128.bitselect
            ;; f(c + f(a) * 2^-20) for the 4 lanes, in f64 as two pairs
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
              (f32x4.demote_f64x2_zero
                (f64x2.add (f64x2.promote_low_f32x4 (local.get $cv))
                  (f64x2.mul (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $a01))) (v128.load offset=4064 (i32.const 0)))))
              (f32x4.demote_f64x2_zero
                (f64x2.add (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $cv) (local.get $cv)))
                  (f64x2.mul (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $a23))) (v128.load offset=4064 (i32.const 0))))))
            (local.get $cv)
            ;; the f64 lane masks narrowed to the 4 f32 lanes
            (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $m01) (local.get $m23))))
        ;; acc: non-zero lanes -> +0 (a & ~mask), zero lanes keep their bits
        (v128.store (local.get $a) (v128.andnot (local.get $a01) (local.get $m01)))
        (v128.store offset=16 (local.get $a) (v128.andnot (local.get $a23) (local.get $m23)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br_if $l4 (i32.lt_s (local.get $k) (local.get $n4)))))
    (block $done
      (br_if $done (i32.ge_s (local.get $k) (local.get $n)))
      (loop $l
        (local.set $x (f64.load (local.get $a)))
        (if (f64.ne (local.get $x) (f64.const 0))
          (then
            (f32.store (local.get $c)
              (f32.demote_f64
                (f64.add (f64.promote_f32 (f32.load (local.get $c)))
                  (f64.mul (f64.promote_f32 (f32.demote_f64 (local.get $x))) (f64.load offset=4064 (i32.const 0))))))
            (f64.store (local.get $a) (f64.const 0))))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $l (i32.lt_s (local.get $k) (local.get $n))))))

  ;; ---- neuron_update ---------------------------------------------------------------------------------
  ;; integrateFused for the neurons [start, end) of one EIF or LIF population (gLdT > 0: EIF). Pointers are
  ;; byte offsets: v (f32), refr (i32), cur (f32, channel c of neuron i at c * N + i), acc (f64, same
  ;; layout), spk (i32 spikers); inTab: nIn i32 element offsets c * N of the input channels, whose
  ;; accumulators join before each neuron's update; ex: scratch for 256 f32. Appends spikers (ascending)
  ;; after nSpk; returns the new count. Per neuron, in this order (f = f32 rounding; neuronUpdate.ts):
  ;;   join inputs; refr > 0: refr -= 1, done;  itot = 0; itot = f(itot + cur_c) for c = 0 .. nCh-1;
  ;;   leak = f(gL * f(eL - v)); ex = EIF ? f(gLdT * expF32(f(f(v - vT) * invDT))) : 0;
  ;;   vn = f(v + f(dtC * f(f(itot + leak) + ex))); vn >= vTh: spike, vn = vRe, refr = refSteps; v = vn.
  ;; A neuron's update reads and writes only its own elements, so the loops may be split: first the input
  ;; joins of all [start, end) ($join per input channel), then blocks of 256 neurons: ex for the whole
  ;; block (exBlock reads only v, which the block's updates have not written yet; refractory neurons' ex
  ;; are computed and unused), then the updates, 4 neurons at a time (refractory lanes: refr - 1, V
  ;; rewritten with its own bits; spikers appended lane by lane), the last < 4 neurons of a population one
  ;; at a time. Same results as the one-neuron order above.
  (func (export "neurons")
    (param $v i32) (param $refr i32) (param $cur i32) (param $acc i32) (param $spk i32)
    (param $N i32) (param $nCh i32) (param $inTab i32) (param $nIn i32) (param $ex i32)
    (param $start i32) (param $end i32) (param $nSpk i32)
    (param $gL f32) (param $eL f32) (param $gLdT f32) (param $vT f32) (param $invDT f32)
    (param $dtC f32) (param $vTh f32) (param $vRe f32) (param $refSteps i32)
    (result i32)
    (local $i i32) (local $k i32) (local $at i32) (local $r i32) (local $isEif i32) (local $stride i32)
    (local $pc i32) (local $pcEnd i32) (local $itot f32) (local $vi f32) (local $exi f32) (local $vn f32)
    (local $blockStart i32) (local $blockEnd i32) (local $end4 i32)
    (local $r4 v128) (local $rm v128) (local $sm v128) (local $vi4 v128) (local $vn4 v128) (local $itot4 v128)
    (local $bits i32)
    (local $dtC4 v128) (local $gL4 v128) (local $eL4 v128) (local $vTh4 v128) (local $vRe4 v128) (local $refSteps4 v128)
    (local.set $isEif (f32.gt (local.get $gLdT) (f32.const 0)))
    (local.set $dtC4 (f32x4.splat (local.get $dtC)))
    (local.set $gL4 (f32x4.splat (local.get $gL)))
    (local.set $eL4 (f32x4.splat (local.get $eL)))
    (local.set $vTh4 (f32x4.splat (local.get $vTh)))
    (local.set $vRe4 (f32x4.splat (local.get $vRe)))
    (local.set $refSteps4 (i32x4.splat (local.get $refSteps)))
    (local.set $stride (i32.shl (local.get $N) (i32.const 2)))
    ;; this step's external input joins the input channels' currents
    (local.set $k (i32.const 0))
    (block $joined
      (br_if $joined (i32.ge_s (local.get $k) (local.get $nIn)))
      (loop $inputs
        (local.set $at (i32.add (i32.load (i32.add (local.get $inTab) (i32.shl (local.get $k) (i32.const 2)))) (local.get $start)))
        (call $join
          (i32.add (local.get $cur) (i32.shl (local.get $at) (i32.const 2)))
          (i32.add (local.get $acc) (i32.shl (local.get $at) (i32.const 3)))
          (i32.sub (local.get $end) (local.get $start)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $inputs (i32.lt_s (local.get $k) (local.get $nIn)))))
    (local.set $i (local.get $start))
    (block $done
      (br_if $done (i32.ge_s (local.get $i) (local.get $end)))
      (loop $block
        (local.set $blockStart (local.get $i))
        (local.set $blockEnd (i32.add (local.get $i) (i32.const 256)))
        (if (i32.gt_s (local.get $blockEnd) (local.get $end)) (then (local.set $blockEnd (local.get $end))))
        (local.set $end4 (i32.sub (local.get $blockEnd) (i32.and (i32.sub (local.get $blockEnd) (local.get $blockStart)) (i32.const 3))))
        (if (local.get $isEif)
          (then
            (call $exBlock
              (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 2))) (local.get $ex)
              (i32.sub (local.get $blockEnd) (local.get $i)) (local.get $vT) (local.get $invDT) (local.get $gLdT))))
        ;; four neurons at a time
        (block $done4
          (br_if $done4 (i32.ge_s (local.get $i) (local.get $end4)))
          (loop $group
            ;; refractory lanes (rm all ones): refr - 1 (adding the mask's -1)
            (local.set $r4 (v128.load (i32.add (local.get $refr) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $rm (i32x4.gt_s (local.get $r4) (v128.const i32x4 0 0 0 0)))
            (local.set $r4 (i32x4.add (local.get $r4) (local.get $rm)))
            (local.set $itot4 (v128.const f32x4 0 0 0 0))
            (local.set $pc (i32.add (local.get $cur) (i32.shl (local.get $i) (i32.const 2))))
            (local.set $pcEnd (i32.add (local.get $pc) (i32.mul (local.get $nCh) (local.get $stride))))
            (block $summed
              (br_if $summed (i32.ge_u (local.get $pc) (local.get $pcEnd)))
              (loop $channels
                (local.set $itot4 (f32x4.add (local.get $itot4) (v128.load (local.get $pc))))
                (local.set $pc (i32.add (local.get $pc) (local.get $stride)))
                (br_if $channels (i32.lt_u (local.get $pc) (local.get $pcEnd)))))
            (local.set $vi4 (v128.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $vn4
              (f32x4.add (local.get $vi4)
                (f32x4.mul (local.get $dtC4)
                  (f32x4.add
                    (f32x4.add (local.get $itot4)
                      (f32x4.mul (local.get $gL4) (f32x4.sub (local.get $eL4) (local.get $vi4))))
                    (if (result v128) (local.get $isEif)
                      (then (v128.load (i32.add (local.get $ex) (i32.shl (i32.sub (local.get $i) (local.get $blockStart)) (i32.const 2)))))
                      (else (v128.const f32x4 0 0 0 0)))))))
            ;; spikers: non-refractory lanes with vn >= vTh
            (local.set $sm (v128.andnot (f32x4.ge (local.get $vn4) (local.get $vTh4)) (local.get $rm)))
            (local.set $vn4 (v128.bitselect (local.get $vRe4) (local.get $vn4) (local.get $sm)))
            (v128.store (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 2)))
              (v128.bitselect (local.get $vi4) (local.get $vn4) (local.get $rm)))
            (v128.store (i32.add (local.get $refr) (i32.shl (local.get $i) (i32.const 2)))
              (v128.bitselect (local.get $refSteps4) (local.get $r4) (local.get $sm)))
            (local.set $bits (i32x4.bitmask (local.get $sm)))
            (if (local.get $bits)
              (then
                (local.set $k (i32.const 0))
                (loop $lanes
                  (if (i32.and (local.get $bits) (i32.shl (i32.const 1) (local.get $k)))
                    (then
                      (i32.store (i32.add (local.get $spk) (i32.shl (local.get $nSpk) (i32.const 2))) (i32.add (local.get $i) (local.get $k)))
                      (local.set $nSpk (i32.add (local.get $nSpk) (i32.const 1)))))
                  (local.set $k (i32.add (local.get $k) (i32.const 1)))
                  (br_if $lanes (i32.lt_u (local.get $k) (i32.const 4))))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br_if $group (i32.lt_s (local.get $i) (local.get $end4)))))
        ;; the last (< 4) neurons one at a time
        (block $doneTail
          (br_if $doneTail (i32.ge_s (local.get $i) (local.get $blockEnd)))
          (loop $neuron
            (block $next
              (local.set $r (i32.load (i32.add (local.get $refr) (i32.shl (local.get $i) (i32.const 2)))))
              (if (i32.gt_s (local.get $r) (i32.const 0))
                (then
                  (i32.store (i32.add (local.get $refr) (i32.shl (local.get $i) (i32.const 2))) (i32.sub (local.get $r) (i32.const 1)))
                  (br $next)))
              (local.set $itot (f32.const 0))
              (local.set $pc (i32.add (local.get $cur) (i32.shl (local.get $i) (i32.const 2))))
              (local.set $pcEnd (i32.add (local.get $pc) (i32.mul (local.get $nCh) (local.get $stride))))
              (block $summed1
                (br_if $summed1 (i32.ge_u (local.get $pc) (local.get $pcEnd)))
                (loop $channels1
                  (local.set $itot (f32.add (local.get $itot) (f32.load (local.get $pc))))
                  (local.set $pc (i32.add (local.get $pc) (local.get $stride)))
                  (br_if $channels1 (i32.lt_u (local.get $pc) (local.get $pcEnd)))))
              (local.set $vi (f32.load (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 2)))))
              (local.set $exi (f32.const 0))
              (if (local.get $isEif)
                (then
                  (local.set $exi (f32.load (i32.add (local.get $ex) (i32.shl (i32.sub (local.get $i) (local.get $blockStart)) (i32.const 2)))))))
              (local.set $vn
                (f32.add (local.get $vi)
                  (f32.mul (local.get $dtC)
                    (f32.add
                      (f32.add (local.get $itot) (f32.mul (local.get $gL) (f32.sub (local.get $eL) (local.get $vi))))
                      (local.get $exi)))))
              (if (f32.ge (local.get $vn) (local.get $vTh))
                (then
                  (i32.store (i32.add (local.get $spk) (i32.shl (local.get $nSpk) (i32.const 2))) (local.get $i))
                  (local.set $nSpk (i32.add (local.get $nSpk) (i32.const 1)))
                  (local.set $vn (local.get $vRe))
                  (i32.store (i32.add (local.get $refr) (i32.shl (local.get $i) (i32.const 2))) (local.get $refSteps))))
              (f32.store (i32.add (local.get $v) (i32.shl (local.get $i) (i32.const 2))) (local.get $vn)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $neuron (i32.lt_s (local.get $i) (local.get $blockEnd)))))
        (br_if $block (i32.lt_s (local.get $i) (local.get $end)))))
    (local.get $nSpk))

  ;; ---- trace_update ----------------------------------------------------------------------------------
  ;; decay: x[k] = f(x[k] * dec) for k < n (f32 at byte offset x): trace and input-current decay.
  (func $decay (export "decay") (param $x i32) (param $n i32) (param $dec f32)
    (local $end i32) (local $end4 i32) (local $d4 v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $d4 (f32x4.splat (local.get $dec)))
    (block $done4
      (br_if $done4 (i32.ge_u (local.get $x) (local.get $end4)))
      (loop $l4
        (v128.store (local.get $x) (f32x4.mul (v128.load (local.get $x)) (local.get $d4)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br_if $l4 (i32.lt_u (local.get $x) (local.get $end4)))))
    (block $done
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (loop $l
        (f32.store (local.get $x) (f32.mul (f32.load (local.get $x)) (local.get $dec)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br_if $l (i32.lt_u (local.get $x) (local.get $end))))))

  ;; joinDecay: a recurrent channel's join and decay, k < n (cur f32 at byte offset c, acc f64 at a), as the
  ;; JS path (exponential.ts): a = acc[k]; a outside the i32 range: stop (return k);
  ;;   a != 0: cur[k] = f(f(cur[k] + f(a) * 2^-20) * dec), acc[k] = +0;  a == 0: cur[k] = f(cur[k] * dec).
  ;; One pass, groups of 4 as $join (the inner f(...) in f64 lanes, selected by the mask a != 0 where the JS
  ;; path branches), then the f32 product by dec; a group with a lane of |a| >= 2147483647 is left to the
  ;; scalar loop, which checks the JS path's exact range and stops at the exact element. Returns -1, or that first k: the elements before it joined and
  ;; decayed, k and the rest untouched, as where the JS path throws.
  (func (export "joinDecay") (param $c i32) (param $a i32) (param $n i32) (param $dec f32) (result i32)
    (local $k i32) (local $n4 i32) (local $x f64) (local $cv v128) (local $a01 v128) (local $a23 v128) (local $m01 v128) (local $m23 v128)
    (local $dec4 v128) (local $hi v128) (local $sc v128)
    (local.set $dec4 (f32x4.splat (local.get $dec)))
    (local.set $hi (v128.load offset=4080 (i32.const 0)))
    (local.set $sc (v128.load offset=4064 (i32.const 0)))
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (block $done4
      (br_if $done4 (i32.ge_s (local.get $k) (local.get $n4)))
      (loop $l4
        (local.set $a01 (v128.load (local.get $a)))
        (local.set $a23 (v128.load offset=16 (local.get $a)))
        ;; |a| >= 2147483647 in a lane (conservative: -2147483648 passes the JS check): the scalar loop, exact
        (br_if $done4 (v128.any_true (v128.or
          (f64x2.ge (f64x2.abs (local.get $a01)) (local.get $hi)) (f64x2.ge (f64x2.abs (local.get $a23)) (local.get $hi)))))
        (local.set $cv (v128.load (local.get $c)))
        (local.set $m01 (f64x2.ne (local.get $a01) (v128.const f64x2 0 0)))
        (local.set $m23 (f64x2.ne (local.get $a23) (v128.const f64x2 0 0)))
        (v128.store (local.get $c)
          (f32x4.mul
            (v128.bitselect
              ;; f(c + f(a) * 2^-20) for the 4 lanes, in f64 as two pairs
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero
                  (f64x2.add (f64x2.promote_low_f32x4 (local.get $cv))
                    (f64x2.mul (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $a01))) (local.get $sc))))
                (f32x4.demote_f64x2_zero
                  (f64x2.add (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $cv) (local.get $cv)))
                    (f64x2.mul (f64x2.promote_low_f32x4 (f32x4.demote_f64x2_zero (local.get $a23))) (local.get $sc)))))
              (local.get $cv)
              ;; the f64 lane masks narrowed to the 4 f32 lanes
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $m01) (local.get $m23)))
            (local.get $dec4)))
        ;; acc: non-zero lanes -> +0 (a & ~mask), zero lanes keep their bits
        (v128.store (local.get $a) (v128.andnot (local.get $a01) (local.get $m01)))
        (v128.store offset=16 (local.get $a) (v128.andnot (local.get $a23) (local.get $m23)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br_if $l4 (i32.lt_s (local.get $k) (local.get $n4)))))
    (block $done
      (br_if $done (i32.ge_s (local.get $k) (local.get $n)))
      (loop $l
        (local.set $x (f64.load (local.get $a)))
        (if (f64.ne (local.get $x) (f64.const 0))
          (then
            (if (i32.or (f64.gt (local.get $x) (f64.load offset=4080 (i32.const 0))) (f64.lt (local.get $x) (f64.load offset=4096 (i32.const 0))))
              (then (return (local.get $k))))
            (f32.store (local.get $c)
              (f32.mul
                (f32.demote_f64
                  (f64.add (f64.promote_f32 (f32.load (local.get $c)))
                    (f64.mul (f64.promote_f32 (f32.demote_f64 (local.get $x))) (f64.load offset=4064 (i32.const 0)))))
                (local.get $dec)))
            (f64.store (local.get $a) (f64.const 0)))
          (else (f32.store (local.get $c) (f32.mul (f32.load (local.get $c)) (local.get $dec)))))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $l (i32.lt_s (local.get $k) (local.get $n)))))
    (i32.const -1))

  ;; ---- membrane noise (adaptiveLif.ts membraneNoise) --------------------------------------------------
  ;; $philoxHalves: Philox4x32-10 (philox.ts) of counter (c0, c1, c2, 0) and key (k0, k1), returning the sum
  ;; of the 16-bit halves of its first nw words (4 or 2). The 32 x 32 -> 64-bit products are i64.mul of the
  ;; zero-extended words: exactly philox.ts's mulhi32 / Math.imul (integer arithmetic, no rounding).
  (func $philoxHalves (param $x0 i32) (param $x1 i32) (param $x2 i32) (param $k0 i32) (param $k1 i32) (param $nw i32) (result i32)
    (local $x3 i32) (local $r i32) (local $p0 i64) (local $p1 i64) (local $s i32)
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
    (local.set $s (i32.add
      (i32.add (i32.and (local.get $x0) (i32.const 0xffff)) (i32.shr_u (local.get $x0) (i32.const 16)))
      (i32.add (i32.and (local.get $x1) (i32.const 0xffff)) (i32.shr_u (local.get $x1) (i32.const 16)))))
    (if (result i32) (i32.eq (local.get $nw) (i32.const 4))
      (then (i32.add (local.get $s) (i32.add
        (i32.add (i32.and (local.get $x2) (i32.const 0xffff)) (i32.shr_u (local.get $x2) (i32.const 16)))
        (i32.add (i32.and (local.get $x3) (i32.const 0xffff)) (i32.shr_u (local.get $x3) (i32.const 16))))))
      (else (local.get $s))))

  ;; noise: out[m] = membraneNoise(seed, step, start + m) for m < n (f32 at byte offset out; stream =
  ;; STREAM.membraneNoise): (halves of words 0-3 of counter (step, i, 0, 0) + halves of words 0-1 of
  ;; (step, i, 1, 0) - 393216) / 65536, an integer below 2^20 in magnitude over 2^16: exact in f32.
  (func (export "noise") (param $out i32) (param $seed i32) (param $stream i32) (param $step i32) (param $start i32) (param $n i32)
    (local $i i32) (local $end i32)
    (local.set $i (local.get $start))
    (local.set $end (i32.add (local.get $start) (local.get $n)))
    (block $done
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (loop $l
        (f32.store (local.get $out)
          (f32.mul
            (f32.convert_i32_s (i32.sub
              (i32.add
                (call $philoxHalves (local.get $step) (local.get $i) (i32.const 0) (local.get $seed) (local.get $stream) (i32.const 4))
                (call $philoxHalves (local.get $step) (local.get $i) (i32.const 1) (local.get $seed) (local.get $stream) (i32.const 2)))
              (i32.const 393216)))
            (f32.const 0x1p-16)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $end))))))

  ;; ---- synapse passes: static propagation and the pair-STDP row walk (synapseKernels.ts) ---------------
  ;; propagate: synapse_propagate of a static projection (synapsePass.ts): for each spiker g (i32 at spk, nSpk
  ;; of them) with lo <= g < hi, row k = g - lo (rowPtr i32, post i32: the CSR), acc[post[y]] += q (f64 at
  ;; byte offset acc: the channel's base included). The accumulators hold exact integers, so these f64
  ;; additions give the JS path's values (same order, too: spikers, then the row).
  (func (export "propagate") (param $spk i32) (param $nSpk i32) (param $lo i32) (param $hi i32) (param $rowPtr i32) (param $post i32) (param $acc i32) (param $q f64)
    (local $s i32) (local $k i32) (local $y i32) (local $y1 i32) (local $at i32)
    (block $done
      (br_if $done (i32.ge_s (local.get $s) (local.get $nSpk)))
      (loop $spikers
        (local.set $k (i32.sub (i32.load (i32.add (local.get $spk) (i32.shl (local.get $s) (i32.const 2)))) (local.get $lo)))
        (if (i32.lt_u (local.get $k) (i32.sub (local.get $hi) (local.get $lo)))
          (then
            (local.set $y (i32.add (local.get $post) (i32.shl (i32.load (i32.add (local.get $rowPtr) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 2))))
            (local.set $y1 (i32.add (local.get $post) (i32.shl (i32.load offset=4 (i32.add (local.get $rowPtr) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 2))))
            (block $rowDone
              (br_if $rowDone (i32.ge_u (local.get $y) (local.get $y1)))
              (loop $row
                (local.set $at (i32.add (local.get $acc) (i32.shl (i32.load (local.get $y)) (i32.const 3))))
                (f64.store (local.get $at) (f64.add (f64.load (local.get $at)) (local.get $q)))
                (local.set $y (i32.add (local.get $y) (i32.const 4)))
                (br_if $row (i32.lt_u (local.get $y) (local.get $y1)))))))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br_if $spikers (i32.lt_s (local.get $s) (local.get $nSpk))))))

  ;; pairRow: one row [y0, y1) of a pair-STDP projection, each synapse in turn (a synapse's updates read only
  ;; its own weight, the traces and the log, so doing the whole row's flush first, then its propagation and
  ;; pre update, as the JS path does, gives the same bits). Descriptor at byte offset $d (synapseKernels.ts
  ;; writes it): i32 at d + 0 post, 4 w, 8 xPost, 12 acc (channel base included), 16 lastStep, 20 first,
  ;; 24 evStep, 28 evTerm, 32 evNext, 36 xs (f32 scratch), 40 xd (unused here), 44 postOff, 48 gate, 52 clip, 56 dep (pre
  ;; term), 60 dep (post term); f64 at d + 64 kick, 72 jMin, 80 jMax, 88 f(jMin), 96 f(jMax), pre term: 104
  ;; eta, 112 f(eta * 1), 120 invJRef, 128 bPost; post term: 136 eta, 144 f(eta * 1), 152 invJRef, 160 a,
  ;; 168 bPre; 176 the pre trace's decay (an f32 value). Every operation whose JS form is f(u op v) with a constant operand is
  ;; done in f64 and demoted (the JS arithmetic exactly); f32 x f32 operations in f32 (see the header).
  ;;  pending (pairDeferred.ts flushRow): post = post[y], j = post - postOff; if lastStep[j] >= F, the events
  ;;   of j from step F on (first[j], evNext chain, evStep >= F) update w in step order, with the pre trace at
  ;;   step F + m rebuilt into xs[m] (xs[0] = xFrom; xs[1] = f(f(xs[0] + 1) * decay) if spiked, else
  ;;   f(xs[0] * decay); xs[m] = f(xs[m - 1] * decay); decay is an f32 value, so these are f32 products); per event
  ;;   (not per rebuilt step: fewer of them) xd = f(a + f(bPre * xs[m])):
  ;;   gate && !(w > jMin && w < jMax): skip the event; drive = f(xd + evTerm[e]);
  ;;   w = f(w + f((dep ? f(eta * f(w * invJRef)) : f(eta)) * drive)); clip: w < jMin ? f(jMin) : w > jMax ? f(jMax) : w.
  ;;  prop (pair.ts propagateRowSweep; pre = f(a + f(bPre * x_pre)) of the row): acc[post] += fixedIncrement(w,
  ;;   kick) = nearest(f(w * kick) * 2^20) (f64.nearest: round half to even, as roundHalfEven); then unless
  ;;   gated, drive = f(pre + f(bPost * xPost[post])) and w updated as above with the pre term's constants.
  (func (export "pairRow") (param $d i32) (param $y0 i32) (param $y1 i32) (param $F i32) (param $xFrom f32) (param $spiked i32) (param $pending i32) (param $prop i32) (param $pre f64)
    (local $post i32) (local $w i32) (local $xPost i32) (local $acc i32) (local $lastStep i32) (local $first i32)
    (local $evStep i32) (local $evTerm i32) (local $evNext i32) (local $xs i32) (local $postOff i32)
    (local $gate i32) (local $clip i32) (local $depPre i32) (local $depPost i32)
    (local $kick f64) (local $jMin f64) (local $jMax f64) (local $jMinF f32) (local $jMaxF f32)
    (local $etaPre f64) (local $etaFPre f32) (local $invPre f64) (local $bPost f64)
    (local $etaPost f64) (local $etaFPost f32) (local $invPost f64) (local $a f64) (local $bPre f64) (local $decayF f32)
    (local $y i32) (local $p i32) (local $j i32) (local $e i32) (local $m i32) (local $nx i32) (local $at i32)
    (local $wy f32) (local $wn f32) (local $x f32) (local $drive f32) (local $fac f32) (local $dirty i32)
    (local.set $post (i32.load offset=0 (local.get $d)))
    (local.set $w (i32.load offset=4 (local.get $d)))
    (local.set $xPost (i32.load offset=8 (local.get $d)))
    (local.set $acc (i32.load offset=12 (local.get $d)))
    (local.set $lastStep (i32.load offset=16 (local.get $d)))
    (local.set $first (i32.load offset=20 (local.get $d)))
    (local.set $evStep (i32.load offset=24 (local.get $d)))
    (local.set $evTerm (i32.load offset=28 (local.get $d)))
    (local.set $evNext (i32.load offset=32 (local.get $d)))
    (local.set $xs (i32.load offset=36 (local.get $d)))
    (local.set $postOff (i32.load offset=44 (local.get $d)))
    (local.set $gate (i32.load offset=48 (local.get $d)))
    (local.set $clip (i32.load offset=52 (local.get $d)))
    (local.set $depPre (i32.load offset=56 (local.get $d)))
    (local.set $depPost (i32.load offset=60 (local.get $d)))
    (local.set $kick (f64.load offset=64 (local.get $d)))
    (local.set $jMin (f64.load offset=72 (local.get $d)))
    (local.set $jMax (f64.load offset=80 (local.get $d)))
    (local.set $jMinF (f32.demote_f64 (f64.load offset=88 (local.get $d))))
    (local.set $jMaxF (f32.demote_f64 (f64.load offset=96 (local.get $d))))
    (local.set $etaPre (f64.load offset=104 (local.get $d)))
    (local.set $etaFPre (f32.demote_f64 (f64.load offset=112 (local.get $d))))
    (local.set $invPre (f64.load offset=120 (local.get $d)))
    (local.set $bPost (f64.load offset=128 (local.get $d)))
    (local.set $etaPost (f64.load offset=136 (local.get $d)))
    (local.set $etaFPost (f32.demote_f64 (f64.load offset=144 (local.get $d))))
    (local.set $invPost (f64.load offset=152 (local.get $d)))
    (local.set $a (f64.load offset=160 (local.get $d)))
    (local.set $bPre (f64.load offset=168 (local.get $d)))
    (local.set $decayF (f32.demote_f64 (f64.load offset=176 (local.get $d))))
    (local.set $y (local.get $y0))
    (block $done
      (br_if $done (i32.ge_s (local.get $y) (local.get $y1)))
      (loop $syn
        (local.set $wy (f32.load (i32.add (local.get $w) (i32.shl (local.get $y) (i32.const 2)))))
        (local.set $p (i32.load (i32.add (local.get $post) (i32.shl (local.get $y) (i32.const 2)))))
        ;; the synapse's pending post updates
        (if (local.get $pending)
          (then
            (local.set $j (i32.shl (i32.sub (local.get $p) (local.get $postOff)) (i32.const 2)))
            (if (i32.ge_s (i32.load (i32.add (local.get $lastStep) (local.get $j))) (local.get $F))
              (then
                (local.set $dirty (i32.const 1))
                (local.set $e (i32.load (i32.add (local.get $first) (local.get $j))))
                (block $found
                  (loop $skip
                    (br_if $found (i32.ge_s (i32.load (i32.add (local.get $evStep) (i32.shl (local.get $e) (i32.const 2)))) (local.get $F)))
                    (local.set $e (i32.load (i32.add (local.get $evNext) (i32.shl (local.get $e) (i32.const 2)))))
                    (br $skip)))
                (block $events
                  (loop $event
                    (local.set $m (i32.sub (i32.load (i32.add (local.get $evStep) (i32.shl (local.get $e) (i32.const 2)))) (local.get $F)))
                    ;; the pre trace at steps F .. F + m
                    (block $built
                      (loop $build
                        (br_if $built (i32.gt_s (local.get $nx) (local.get $m)))
                        ;; $x holds xs[nx - 1] (set here only); decay is an f32 value (SynapseKernels checks), so
                        ;; f32.mul is the JS path's f(x * decay); the chain stays in a register
                        (if (i32.eqz (local.get $nx))
                          (then (local.set $x (local.get $xFrom)))
                          (else
                            (local.set $x (f32.mul
                              (if (result f32) (i32.and (i32.eq (local.get $nx) (i32.const 1)) (i32.ne (local.get $spiked) (i32.const 0)))
                                (then (f32.add (local.get $x) (f32.const 1)))
                                (else (local.get $x)))
                              (local.get $decayF)))))
                        (f32.store (i32.add (local.get $xs) (i32.shl (local.get $nx) (i32.const 2))) (local.get $x))
                        (local.set $nx (i32.add (local.get $nx) (i32.const 1)))
                        (br $build)))
                    (block $skipEvent
                      (br_if $skipEvent (i32.and (local.get $gate)
                        (i32.eqz (i32.and (f64.gt (f64.promote_f32 (local.get $wy)) (local.get $jMin)) (f64.lt (f64.promote_f32 (local.get $wy)) (local.get $jMax))))))
                      ;; drive = f(xd + evTerm), xd = f(a + f(bPre * xs[m])) (per event: fewer than the rebuilt steps)
                      (local.set $drive (f32.add
                        (f32.demote_f64 (f64.add (local.get $a) (f64.promote_f32 (f32.demote_f64 (f64.mul (local.get $bPre)
                          (f64.promote_f32 (f32.load (i32.add (local.get $xs) (i32.shl (local.get $m) (i32.const 2))))))))))
                        (f32.load (i32.add (local.get $evTerm) (i32.shl (local.get $e) (i32.const 2))))))
                      (local.set $fac (if (result f32) (local.get $depPost)
                        (then (f32.demote_f64 (f64.mul (local.get $etaPost) (f64.promote_f32 (f32.demote_f64 (f64.mul (f64.promote_f32 (local.get $wy)) (local.get $invPost)))))))
                        (else (local.get $etaFPost))))
                      (local.set $wn (f32.add (local.get $wy) (f32.mul (local.get $fac) (local.get $drive))))
                      (if (local.get $clip)
                        (then
                          (if (f64.lt (f64.promote_f32 (local.get $wn)) (local.get $jMin))
                            (then (local.set $wn (local.get $jMinF)))
                            (else (if (f64.gt (f64.promote_f32 (local.get $wn)) (local.get $jMax)) (then (local.set $wn (local.get $jMaxF))))))))
                      (local.set $wy (local.get $wn)))
                    (local.set $e (i32.load (i32.add (local.get $evNext) (i32.shl (local.get $e) (i32.const 2)))))
                    (br_if $event (i32.ge_s (local.get $e) (i32.const 0)))))))))
        ;; propagation (from the weight after the pending updates) and the pre-spike update
        (if (local.get $prop)
          (then
            (local.set $at (i32.add (local.get $acc) (i32.shl (local.get $p) (i32.const 3))))
            (f64.store (local.get $at) (f64.add (f64.load (local.get $at))
              (f64.nearest (f64.mul (f64.promote_f32 (f32.demote_f64 (f64.mul (f64.promote_f32 (local.get $wy)) (local.get $kick)))) (f64.const 1048576)))))
            (block $gated
              (br_if $gated (i32.and (local.get $gate)
                (i32.eqz (i32.and (f64.gt (f64.promote_f32 (local.get $wy)) (local.get $jMin)) (f64.lt (f64.promote_f32 (local.get $wy)) (local.get $jMax))))))
              (local.set $drive (f32.demote_f64 (f64.add (local.get $pre)
                (f64.promote_f32 (f32.demote_f64 (f64.mul (local.get $bPost) (f64.promote_f32 (f32.load (i32.add (local.get $xPost) (i32.shl (local.get $p) (i32.const 2)))))))))))
              (local.set $fac (if (result f32) (local.get $depPre)
                (then (f32.demote_f64 (f64.mul (local.get $etaPre) (f64.promote_f32 (f32.demote_f64 (f64.mul (f64.promote_f32 (local.get $wy)) (local.get $invPre)))))))
                (else (local.get $etaFPre))))
              (local.set $wn (f32.add (local.get $wy) (f32.mul (local.get $fac) (local.get $drive))))
              (if (local.get $clip)
                (then
                  (if (f64.lt (f64.promote_f32 (local.get $wn)) (local.get $jMin))
                    (then (local.set $wn (local.get $jMinF)))
                    (else (if (f64.gt (f64.promote_f32 (local.get $wn)) (local.get $jMax)) (then (local.set $wn (local.get $jMaxF))))))))
              (local.set $wy (local.get $wn)))))
        ;; stored when something may have changed it (a flush alone leaves untouched weights' cache lines clean)
        (if (i32.or (local.get $prop) (local.get $dirty))
          (then
            (f32.store (i32.add (local.get $w) (i32.shl (local.get $y) (i32.const 2))) (local.get $wy))
            (local.set $dirty (i32.const 0))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br_if $syn (i32.lt_s (local.get $y) (local.get $y1))))))
)
