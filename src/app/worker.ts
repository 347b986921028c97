// Web Worker: runs the CPU engine (or the CPU rate engine) off the main thread so the page stays responsive.
import { createEngine } from '../engine/engines.ts';
import { Control, drive } from './drive.ts';
import type { ControlMessage, RateMessage, RunMessage } from './protocol.ts';
import { driveRate } from './rateRun.ts';

interface WorkerScope {
  postMessage(message: RunMessage | RateMessage, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent<ControlMessage>) => void) | null;
}
const scope = self as unknown as WorkerScope;
const ctl = new Control();

scope.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'pause') ctl.pause();
  else if (m.type === 'resume') ctl.resume();
  else if (m.type === 'finish') ctl.finish();
  else if (m.type === 'start-rate') void driveRate(m.spec, m.meta, ctl, (msg, transfer) => scope.postMessage(msg, transfer));
  else if (m.type === 'start') void drive(m.spec, m.meta, (net) => createEngine(net, 'cpu', { label: 'Web Worker' }), ctl, (msg, transfer) => scope.postMessage(msg, transfer));
};
