// How the views group a model's populations: inputs (input layers and Poisson-source populations) versus
// spiking neurons, and which populations the currents panel shows by default. Plain data; no DOM.
import type { NetworkSpec } from '../model/spec.ts';

export type Kind = 'input' | 'neuron';

/** The kind of every source name (populations and input layers) of a spec. */
export function kindsOf(spec: NetworkSpec): Map<string, Kind> {
  const m = new Map<string, Kind>();
  for (const p of spec.populations) m.set(p.name, p.neuron.model === 'poisson' ? 'input' : 'neuron');
  for (const x of spec.inputs) m.set(x.name, 'input');
  return m;
}

/** At most this many current subplots by default; the user may pick others. */
export const DEFAULT_CURRENT_PANELS = 4;

/** Default populations of the currents panel: spiking populations first, then the rest, at most `max`. */
export function defaultCurrentTargets(names: string[], kinds: Map<string, Kind>, max = DEFAULT_CURRENT_PANELS): string[] {
  const neurons = names.filter((n) => kinds.get(n) !== 'input');
  return [...neurons, ...names.filter((n) => kinds.get(n) === 'input')].slice(0, max);
}

/** A line of the currents panel: one channel, or the sum of several (label says which). */
export interface ChannelGroup {
  label: string;
  members: number[]; // channel indices
}

/**
 * Channels shown in a current subplot. Up to `maxLines` channels are drawn one by one; more are summed by kind
 * (inputs / neurons) and by the sign of their mean current (excitatory / inhibitory), at most four lines.
 */
export function channelGroups(channels: string[], kinds: Map<string, Kind>, meanOf: (k: number) => number, maxLines = 6): ChannelGroup[] {
  if (channels.length <= maxLines) return channels.map((c, k) => ({ label: `from ${c}`, members: [k] }));
  const groups = new Map<string, number[]>();
  channels.forEach((c, k) => {
    const key = `from ${kinds.get(c) === 'input' ? 'inputs' : 'neurons'}, ${meanOf(k) >= 0 ? 'excitatory' : 'inhibitory'}`;
    groups.set(key, [...(groups.get(key) ?? []), k]);
  });
  return [...groups].map(([label, members]) => ({ label: `${label} (${members.length} summed)`, members }));
}
