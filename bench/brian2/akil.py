#!/usr/bin/python3
"""Brian2 peer for the plasticnet CPU benchmark: the Akil 2021 balanced EIF network (SPEC 2.1-2.5).

C++ standalone mode, one thread (--threads T > 1: OpenMP on T threads), double precision (Brian2's default), forward Euler, dt = 0.1 ms.
  N neurons, 80 % E / 20 % I, N_x = 0.2 N Poisson inputs at 10 Hz, Bernoulli p = 0.1 everywhere
  (autapses allowed, as in the authors' code), J = j / sqrt(N),
  j = [[25, -150], [112.5, -250]], j_x = [180, 135];
  EIF: C_m = 1, g_L = 1/15 /ms, E_L = -72, V_T = -55, Delta_T = 1, V_th = -50, V_re = -75 mV, no refractory period;
  exponential current synapses tau_e = 8, tau_i = 4, tau_x = 10 ms, kick I += J / tau on a presynaptic spike.
  --plastic istdp-ei: homeostatic iSTDP on E<-I as plasticnet's fig3IstdpEi (Akil Eq 22; eta = 1e-2 per spike,
  tau_STDP = 200 ms, rho_e = 10 Hz, J_norm = -200 / sqrt(N)); traces are read before this step's +1, as in
  the authors' code (Brian2 runs the synaptic pathways before the resets that increment the traces). As in the
  authors' code and plasticnet, the increment eta (J/J_norm)(...) is taken in mV (the weights' unit).

Timing: only the simulation after the warm-up is timed, with a monotonic wall clock (and the process CPU-time
clock, which a loaded machine inflates less) inserted into the generated main() around the second run() call; code generation, compilation, synapse creation and the warm-up run are
excluded. The compiled binary is re-run --repeats times and the median is reported.

Prints one JSON line (the last line of stdout).
Run with Debian's interpreter, which has python3-brian: /usr/bin/python3 bench/brian2/akil.py --N 5000
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings

warnings.filterwarnings('ignore')

import numpy as np  # noqa: E402
import brian2  # noqa: E402
from brian2 import (Network, NeuronGroup, Synapses, device, defaultclock, mV, ms, Hz, second,  # noqa: E402
                    prefs, seed, set_device)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--N', type=int, default=5000)
    ap.add_argument('--T', type=float, default=2.0, help='simulated seconds, warm-up included')
    ap.add_argument('--warmup', type=float, default=0.5, help='simulated seconds run before the timer starts')
    ap.add_argument('--repeats', type=int, default=3, help='runs of the compiled binary (>= 1); the median is reported')
    ap.add_argument('--plastic', choices=['static', 'istdp-ei'], default='static')
    ap.add_argument('--seed', type=int, default=2538)
    ap.add_argument('--threads', type=int, default=1,
                    help='1: single-threaded; T > 1: OpenMP on T threads (prefs.devices.cpp_standalone.openmp_threads)')
    ap.add_argument('--dir', default=None, help='build directory, kept (default: a temporary one, removed afterwards); '
                    're-running DIR/main in DIR repeats the timed run and rewrites DIR/results/plasticnet_timed_run.txt '
                    '("wall_s cpu_s")')
    args = ap.parse_args()
    if not (0 <= args.warmup < args.T):
        ap.error('need 0 <= warmup < T')
    if args.repeats < 1:
        ap.error('need --repeats >= 1')

    build_dir = args.dir or tempfile.mkdtemp(prefix='plasticnet-brian2-')
    set_device('cpp_standalone', directory=None, build_on_run=False)
    if args.threads < 1:
        ap.error(f'--threads: expected an integer >= 1, got {args.threads}')
    prefs.devices.cpp_standalone.openmp_threads = 0 if args.threads == 1 else args.threads  # 0: no OpenMP
    prefs.devices.cpp_standalone.extra_make_args_unix = ['-j2']  # a good neighbour on a shared 2-core machine
    prefs.logging.console_log_level = 'WARNING'
    defaultclock.dt = 0.1 * ms
    seed(args.seed)

    N = args.N
    Ne, Ni, Nx = int(round(0.8 * N)), N - int(round(0.8 * N)), int(round(0.2 * N))
    sq = np.sqrt(N)
    taum, EL, VT, DeltaT, Vth, Vre = 15 * ms, -72 * mV, -55 * mV, 1 * mV, -50 * mV, -75 * mV
    taue, taui, taux = 8 * ms, 4 * ms, 10 * ms
    Jee, Jei, Jie, Jii = 25 / sq * mV, -150 / sq * mV, 112.5 / sq * mV, -250 / sq * mV
    Jex, Jix = 180 / sq * mV, 135 / sq * mV
    rx = 10 * Hz
    plastic = args.plastic == 'istdp-ei'
    eta, tau_stdp, rho_e, Jnorm = 1e-2, 200 * ms, 10 * Hz, -200 / sq * mV
    alpha = float(2 * rho_e * tau_stdp)

    eqs = '''
    dv/dt = (EL - v)/taum + DeltaT/taum*exp((v - VT)/DeltaT) + Ie + Ii + Ix : volt
    dIe/dt = -Ie/taue : volt/second
    dIi/dt = -Ii/taui : volt/second
    dIx/dt = -Ix/taux : volt/second
    nspk : integer
    '''
    reset = 'v = Vre; nspk += 1'
    if plastic:
        eqs += 'dx/dt = -x/tau_stdp : 1\n'
        reset += '; x += 1'
    G = NeuronGroup(N, eqs, threshold='v >= Vth', reset=reset, method='euler', name='neurons')
    G.v = 'Vre + rand()*(VT - Vre)'
    E, I = G[:Ne], G[Ne:]
    X = NeuronGroup(Nx, 'nx : integer', threshold='rand() < rx*dt', reset='nx += 1', name='poisson_x')

    syn = {
        'ee': Synapses(E, E, on_pre='Ie_post += Jee/taue', name='s_ee'),
        'ie': Synapses(E, I, on_pre='Ie_post += Jie/taue', name='s_ie'),
        'ii': Synapses(I, I, on_pre='Ii_post += Jii/taui', name='s_ii'),
        'xe': Synapses(X, E, on_pre='Ix_post += Jex/taux', name='s_xe'),
        'xi': Synapses(X, I, on_pre='Ix_post += Jix/taux', name='s_xi'),
    }
    if plastic:
        syn['ei'] = Synapses(I, E, 'w : volt', name='s_ei',
                             on_pre='Ii_post += w/taui\nw = w + eta*(w/Jnorm)*(alpha - x_post)*mV',
                             on_post='w = w - eta*(w/Jnorm)*x_pre*mV')
    else:
        syn['ei'] = Synapses(I, E, on_pre='Ii_post += Jei/taui', name='s_ei')
    for s in syn.values():
        s.connect(p=0.1)
    if plastic:
        syn['ei'].w = Jei

    net = Network(G, X, *syn.values())
    net.run(args.warmup * second)
    G.nspk = 0
    X.nx = 0
    device.insert_code('main', 'struct timespec _pn_t0, _pn_t1, _pn_c0, _pn_c1; '
                       'clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &_pn_c0); clock_gettime(CLOCK_MONOTONIC, &_pn_t0);')
    net.run((args.T - args.warmup) * second)
    device.insert_code('main', r'''clock_gettime(CLOCK_MONOTONIC, &_pn_t1); clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &_pn_c1);
{ std::ofstream _pn_f("results/plasticnet_timed_run.txt");
  _pn_f.precision(9);
  _pn_f << ((_pn_t1.tv_sec - _pn_t0.tv_sec) + 1e-9 * (_pn_t1.tv_nsec - _pn_t0.tv_nsec)) << " "
        << ((_pn_c1.tv_sec - _pn_c0.tv_sec) + 1e-9 * (_pn_c1.tv_nsec - _pn_c0.tv_nsec)) << std::endl; }''')

    t0 = time.perf_counter()
    device.build(directory=build_dir, compile=True, run=False, with_output=False)
    build_s = time.perf_counter() - t0

    walls, cpus, binary_s = [], [], []
    for _ in range(args.repeats):
        device.run(build_dir, with_output=False, run_args=[])
        with open(os.path.join(build_dir, 'results', 'plasticnet_timed_run.txt')) as f:
            wall_s, cpu_s = (float(x) for x in f.read().split()[:2])
        walls.append(wall_s)
        cpus.append(cpu_s)
        binary_s.append(device.timers.get('run_binary', float('nan')))

    nspk = np.asarray(G.nspk[:], dtype=np.int64)
    nx = np.asarray(X.nx[:], dtype=np.int64)
    sim_s = args.T - args.warmup
    spikes = int(nspk.sum())
    events = 0
    for s in syn.values():
        pre = np.asarray(s.i[:], dtype=np.int64)
        src = nx if s.source is X else (nspk[:Ne] if s.source is E else nspk[Ne:])
        events += int((np.bincount(pre, minlength=len(src)) * src).sum())
    wall = statistics.median(walls)
    out = {
        'simulator': 'brian2',
        'version': brian2.__version__,
        'mode': f"cpp_standalone, {'1 thread' if args.threads == 1 else f'OpenMP {args.threads} threads'}, float64, euler",
        'threads': args.threads,
        'N': N,
        'plastic': args.plastic,
        'synapses': int(sum(len(s) for s in syn.values())),
        'spikes': spikes,
        'input_spikes': int(nx.sum()),
        'rate_E_Hz': float(nspk[:Ne].mean() / sim_s),
        'rate_I_Hz': float(nspk[Ne:].mean() / sim_s),
        'warmup_s': args.warmup,
        'sim_s': sim_s,
        'wall_s': wall,
        'wall_s_all': walls,
        'rtf': wall / sim_s,
        'cpu_s': statistics.median(cpus),
        'cpu_s_all': cpus,
        'rtf_cpu': statistics.median(cpus) / sim_s,
        'events': events,
        'events_per_wall_s': events / wall,
        'binary_s_all': binary_s,
        'build_s': build_s,
        'repeats': args.repeats,
        'seed': args.seed,
    }
    if args.dir is not None:
        out['dir'] = os.path.abspath(build_dir)
    if plastic:
        w = np.asarray(syn['ei'].w[:] / mV) * sq
        out['j_ei_mean'] = float(w.mean())
    if args.dir is None:
        shutil.rmtree(build_dir, ignore_errors=True)
    sys.stdout.flush()
    print(json.dumps(out), flush=True)


if __name__ == '__main__':
    main()
