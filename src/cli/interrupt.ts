// SIGINT/SIGTERM during a run: the first signal asks the run to stop between chunks (it writes a
// checkpoint when --checkpoint-every is on, keeps what was recorded and exits 130 or 143); a second
// signal exits at once (the lock is released by the exit handler).

const EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export interface Interrupt {
  /** The signal received ('SIGINT', 'SIGTERM') or null. */
  readonly requested: () => string | null;
  /** Exit status for the received signal (128 + its number). */
  readonly exitCode: () => number;
  readonly dispose: () => void;
}

/** Installs the handlers until dispose(); `log` reports the first signal. */
export function catchSignals(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Interrupt {
  let got: string | null = null;
  const handler = (sig: NodeJS.Signals) => {
    if (got !== null) process.exit(EXIT[sig] ?? 1);
    got = sig;
    log(`plasticnet: ${sig} received: stopping after the current chunk of steps and writing what was recorded (send it again to stop at once)`);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    requested: () => got,
    exitCode: () => (got ? (EXIT[got] ?? 1) : 0),
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

export const signalExitCode = (sig: string): number => EXIT[sig] ?? 1;
