// The WebGPU engine's schedules by name (no WebGPU imports: the CLI validates --gpu-schedule with it).

/** How the WebGPU engine lays out a step: see WebGpuEngineOptions.schedule. */
export type Schedule = 'fused' | 'passes' | 'resident';

/** What an engine option or `--gpu-schedule` may ask for: 'auto' picks 'resident' where it fits, else 'fused'. */
export const SCHEDULE_CHOICES = ['auto', 'resident', 'fused', 'passes'] as const;
export type ScheduleChoice = (typeof SCHEDULE_CHOICES)[number];

export function isScheduleChoice(v: unknown): v is ScheduleChoice {
  return typeof v === 'string' && (SCHEDULE_CHOICES as readonly string[]).includes(v);
}
