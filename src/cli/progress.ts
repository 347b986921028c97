// Progress bar for long runs (cli-progress): simulated time, wall time, real-time factor and ETA.
import cliProgress from 'cli-progress';
import type { Progress } from '../pipeline/simulation.ts';

const hms = (s: number) => (s < 60 ? `${s.toFixed(0)}s` : s < 3600 ? `${Math.floor(s / 60)}m${Math.round(s % 60)}s` : `${Math.floor(s / 3600)}h${Math.round((s % 3600) / 60)}m`);

/** A progress reporter for runSimulation; silent when not a TTY unless forced (then prints lines). */
export function progressBar(label: string, T_s: number, quiet: boolean): { update: (p: Progress) => void; stop: () => void } {
  if (quiet) return { update: () => {}, stop: () => {} };
  if (!process.stderr.isTTY) {
    let last = -1;
    return {
      update: (p) => {
        const pct = Math.floor((100 * p.step) / p.nSteps);
        if (pct >= last + 10 || p.step === p.nSteps) {
          last = pct;
          process.stderr.write(`${label}: ${pct}% sim ${p.simTime_s.toFixed(1)}/${T_s} s, wall ${hms(p.wall_s)}, RTF ${p.rtf.toFixed(3)}, ETA ${hms(p.eta_s)}\n`);
        }
      },
      stop: () => {},
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | sim {sim}/${T_s} s | wall {wall} | RTF {rtf} | ETA {etaS}`, hideCursor: true, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1000, 0, { sim: '0.0', wall: '0s', rtf: '-', etaS: '-' });
  return {
    update: (p) => bar.update(Math.round((1000 * p.step) / p.nSteps), { sim: p.simTime_s.toFixed(1), wall: hms(p.wall_s), rtf: p.rtf.toFixed(3), etaS: hms(p.eta_s) }),
    stop: () => bar.stop(),
  };
}
