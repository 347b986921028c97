// SONATA (github.com/AllenInstitute/sonata, docs/SONATA_DEVELOPER_GUIDE.md) export and import, HDF5 via h5wasm.
//
//   circuit_config.json, simulation_config.json      SONATA configs (manifest, node/edge files, run, output)
//   network/nodes.h5       /nodes/<pop>/{node_id, node_type_id, node_group_id, node_group_index} u64/u32,
//                          /nodes/<pop>/0/v_init f32 (initial V, mV; integrating populations only)
//   network/node_types.csv node_type_id pop_name model_type model_template dynamics_params (space separated)
//   network/edges.h5       /edges/<post>_from_<pre>/{source_node_id, target_node_id} u64 (attribute
//                          node_population), edge_type_id, edge_group_id, edge_group_index,
//                          /0/syn_weight f32 (the engine's J exactly, in the spec's units), /0/delay f64 (ms)
//   network/edge_types.csv edge_type_id model_template dynamics_params
//   components/{cell_models,synaptic_models}/*.json   the plasticnet neuron and plasticity parameters
//   output/spikes.h5       /spikes/<pop>/{timestamps f64 ms, node_ids u64}, sorting = by_time (a run's raster;
//                          a spike of step k at (k + 1) dt, the end of the step that emitted it)
//   plasticnet.json        the spec (for `plasticnet import`) and the source
// Node ids are local to each node population (0 .. size-1), as plasticnet's local indices.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import h5wasm, * as h5module from 'h5wasm/node';
import { UsageError } from '../../cli/loadSpec.ts';
import type { NetworkSpec } from '../../model/spec.ts';
import { validate } from '../../model/validate.ts';
import { readJson, writeFileAtomic, writeJson } from '../files.ts';
import type { ExportNetwork } from './network.ts';
import { checkName, projTag, under } from './names.ts';

type Group = ReturnType<InstanceType<typeof h5wasm.File>['create_group']>;
type Dataset = InstanceType<typeof h5wasm.Dataset>;

/** A SONATA directory that cannot be imported (exit 2). */
export class ImportError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

let ready: Promise<unknown> | null = null;
const h5 = async () => {
  ready ??= h5wasm.ready;
  await ready;
  return h5wasm;
};

/** Creates an HDF5 file at `path` atomically (temp file + rename) with `fill`. */
async function writeH5(path: string, fill: (f: InstanceType<typeof h5wasm.File>) => void): Promise<void> {
  const lib = await h5();
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const f = new lib.File(tmp, 'w');
  try {
    fill(f);
  } finally {
    f.close();
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

const child = (g: Group, name: string): Group => g.create_group(name);
const u64 = (a: ArrayLike<number>) => {
  const out = new BigUint64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = BigInt(a[i]!);
  return out;
};
const iota = (n: number) => {
  const a = new BigUint64Array(n);
  for (let i = 0; i < n; i++) a[i] = BigInt(i);
  return a;
};

const csv = (rows: (string | number)[][]) => `${rows.map((r) => r.join(' ')).join('\n')}\n`;

/** Writes the SONATA export of `x` into `out`; returns the files written. */
export async function exportSonata(x: ExportNetwork, out: string): Promise<string[]> {
  const d = x.net.derived;
  const spec = d.spec;
  const files: string[] = [];
  const path = (rel: string) => {
    const p = under(out, rel);
    files.push(p);
    return p;
  };
  const nodePops = [
    ...d.pops.map((p) => ({ name: p.name, size: p.size, offset: p.offset, virtual: p.neuron.model === 'poisson', typeId: 100 + p.index, params: spec.populations[p.index]! as unknown })),
    ...d.inputs.map((p) => ({ name: p.name, size: p.size, offset: -1, virtual: true, typeId: 100 + d.pops.length + p.index, params: spec.inputs[p.index]! as unknown })),
  ];
  await writeH5(path('network/nodes.h5'), (f) => {
    const nodes = child(f as unknown as Group, 'nodes');
    for (const p of nodePops) {
      const g = child(nodes, p.name);
      g.create_dataset({ name: 'node_id', data: iota(p.size) as never });
      g.create_dataset({ name: 'node_type_id', data: new BigUint64Array(p.size).fill(BigInt(p.typeId)) as never });
      g.create_dataset({ name: 'node_group_id', data: new Uint32Array(p.size) });
      g.create_dataset({ name: 'node_group_index', data: iota(p.size) as never });
      const g0 = child(g, '0');
      if (!p.virtual) g0.create_dataset({ name: 'v_init', data: x.net.v0.slice(p.offset, p.offset + p.size) }).create_attribute('units', 'mV');
    }
  });
  for (const p of nodePops) writeJson(path(`components/cell_models/${p.name}.json`), p.params);
  writeFileAtomic(
    path('network/node_types.csv'),
    csv([['node_type_id', 'pop_name', 'model_type', 'model_template', 'dynamics_params'], ...nodePops.map((p) => [p.typeId, p.name, p.virtual ? 'virtual' : 'point_process', p.virtual ? 'plasticnet:poisson' : `plasticnet:${spec.populations.find((q) => q.name === p.name)!.neuron.model}`, `${p.name}.json`])]),
  );
  await writeH5(path('network/edges.h5'), (f) => {
    const edges = child(f as unknown as Group, 'edges');
    for (const e of x.projections) {
      const sp = spec.projections[e.pr.index]!;
      const g = child(edges, e.tag);
      const n = e.pre.length;
      g.create_dataset({ name: 'source_node_id', data: u64(e.pre) as never }).create_attribute('node_population', sp.pre);
      g.create_dataset({ name: 'target_node_id', data: u64(e.post) as never }).create_attribute('node_population', sp.post);
      g.create_dataset({ name: 'edge_type_id', data: new BigUint64Array(n).fill(BigInt(100 + e.pr.index)) as never });
      g.create_dataset({ name: 'edge_group_id', data: new Uint32Array(n) });
      g.create_dataset({ name: 'edge_group_index', data: iota(n) as never });
      const g0 = child(g, '0');
      const w = g0.create_dataset({ name: 'syn_weight', data: e.J });
      w.create_attribute('units', spec.populations[e.pr.post.index]!.neuron.model === 'cond_lif' ? 'nS' : 'mV (Akil units: charge per spike, C_m = 1)');
      w.create_attribute('j_scale', e.pr.jScale);
      g0.create_dataset({ name: 'delay', data: e.delay_ms }).create_attribute('units', 'ms'); // per edge: its whole steps x dt
    }
  });
  for (const e of x.projections) {
    const sp = spec.projections[e.pr.index]!;
    writeJson(path(`components/synaptic_models/${e.tag}.json`), { projection: e.pr.name, connectivity: sp.connectivity, p: sp.p, j: sp.j, scaleBySqrtN: sp.scaleBySqrtN, jScale: e.pr.jScale, plasticity: sp.plasticity ?? null, learned: x.learned.includes(e.pr.name) });
  }
  writeFileAtomic(
    path('network/edge_types.csv'),
    csv([['edge_type_id', 'model_template', 'dynamics_params'], ...x.projections.map((e) => [100 + e.pr.index, spec.projections[e.pr.index]!.plasticity ? `plasticnet:${spec.projections[e.pr.index]!.plasticity!.rule}` : 'static_synapse', `${e.tag}.json`])]),
  );
  if (x.spikes) {
    const sp = x.spikes;
    await writeH5(path('output/spikes.h5'), (f) => {
      const root = child(f as unknown as Group, 'spikes');
      for (const p of d.pops) {
        const t: number[] = [];
        const id: number[] = [];
        for (let k = 0; k < sp.ids.length; k++) {
          const i = sp.ids[k]!;
          if (i >= p.offset && i < p.offset + p.size) {
            t.push((sp.steps[k]! + 1) * d.dt_ms); // a spike of step k is emitted at the end of the step
            id.push(i - p.offset);
          }
        }
        const g = child(root, p.name);
        g.create_attribute('sorting', 'by_time');
        g.create_dataset({ name: 'timestamps', data: Float64Array.from(t) }).create_attribute('units', 'ms');
        g.create_dataset({ name: 'node_ids', data: u64(id) as never });
      }
    });
  }
  writeJson(path('circuit_config.json'), {
    manifest: { $BASE_DIR: '.', $NETWORK_DIR: '$BASE_DIR/network', $COMPONENTS_DIR: '$BASE_DIR/components' },
    components: { point_neuron_models_dir: '$COMPONENTS_DIR/cell_models', synaptic_models_dir: '$COMPONENTS_DIR/synaptic_models' },
    networks: {
      nodes: [{ nodes_file: '$NETWORK_DIR/nodes.h5', node_types_file: '$NETWORK_DIR/node_types.csv' }],
      edges: [{ edges_file: '$NETWORK_DIR/edges.h5', edge_types_file: '$NETWORK_DIR/edge_types.csv' }],
    },
  });
  writeJson(path('simulation_config.json'), {
    manifest: { $BASE_DIR: '.', $OUTPUT_DIR: '$BASE_DIR/output' },
    target_simulator: 'plasticnet',
    network: '$BASE_DIR/circuit_config.json',
    run: { tstop: d.nSteps * d.dt_ms, dt: d.dt_ms },
    output: { output_dir: '$OUTPUT_DIR', spikes_file: 'spikes.h5', spikes_sort_order: 'time' },
  });
  writeJson(path('plasticnet.json'), { format: 'plasticnet-sonata', version: 1, source: x.source, learned: x.learned, spec });
  return files;
}

/** What `plasticnet import` reads back: per projection (spec order) the synapses and f32 J, per population V0. */
export interface SonataNetwork {
  spec: NetworkSpec;
  learned: string[];
  projections: { name: string; tag: string; pre: Int32Array; post: Int32Array; J: Float32Array; delay_ms: Float64Array }[];
  v0: Map<string, Float32Array>;
  spikes: Map<string, { timestamps: Float64Array; nodeIds: Int32Array }>;
}

function dataset(f: InstanceType<typeof h5wasm.File>, file: string, path: string): Dataset {
  let e: ReturnType<typeof f.get>;
  try {
    e = f.get(path);
  } catch (err) {
    throw new ImportError(`${file}: ${path} cannot be read: ${hdf5Reason((err as Error).message)}`);
  }
  if (!(e instanceof h5wasm.Dataset)) throw new ImportError(`${file}: no dataset ${path}`);
  return e;
}

/** Local node ids (u64 in SONATA) as i32, checked against the population size. */
function ids(ds: Dataset, file: string, size: number): Int32Array {
  const v = ds.value;
  const arr = v instanceof BigUint64Array || v instanceof BigInt64Array ? Array.from(v, Number) : ArrayBuffer.isView(v) ? Array.from(v as Uint32Array) : null;
  if (!arr) throw new ImportError(`${file}: ${ds.path} is not an integer array`);
  const out = Int32Array.from(arr);
  for (let i = 0; i < out.length; i++) if (!(arr[i]! >= 0 && arr[i]! < size)) throw new ImportError(`${file}: ${ds.path}[${i}] = ${arr[i]} lies outside the population (size ${size})`);
  return out;
}

/**
 * The innermost HDF5 diagnostic of an error stack ("truncated file: eof = 2000, ... stored_eof = 95917808"), without
 * the library's source paths; the whole text when it has no such line.
 */
export function hdf5Reason(message: string): string {
  const lines = message.split('\n').filter((l) => /^\s*#\d+:/.test(l));
  const last = lines.at(-1);
  const m = last ? /\(\):\s*(.*)$/.exec(last) : null;
  return m?.[1]?.trim() || message.trim();
}

/** h5wasm's module: its error handler turns HDF5 error stacks into exceptions instead of printing them. */
type ErrorHandlers = { activate_throwing_error_handler(): number; deactivate_throwing_error_handler(): number };

/** Reads a SONATA export of plasticnet back (the spec from plasticnet.json, arrays from the HDF5 files). */
export async function readSonata(dir: string): Promise<SonataNetwork> {
  await h5();
  // HDF5 prints its error stack to stderr by default; while reading, it throws instead, and a damaged file is
  // reported as one ImportError line naming the file's problem (exit 2).
  const handlers = (h5module as unknown as { Module: ErrorHandlers }).Module;
  handlers.activate_throwing_error_handler();
  try {
    return await readSonataFiles(dir);
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError(`${dir}: an HDF5 file cannot be read: ${hdf5Reason(e instanceof Error ? e.message : String(e))}`);
  } finally {
    handlers.deactivate_throwing_error_handler();
  }
}

async function readSonataFiles(dir: string): Promise<SonataNetwork> {
  const lib = await h5();
  const meta = join(dir, 'plasticnet.json');
  if (!existsSync(meta)) throw new ImportError(`${dir}: no plasticnet.json (only SONATA directories written by \`plasticnet export --format sonata\` can be imported)`);
  const m = readJson(meta) as { format?: string; version?: number; spec?: unknown; learned?: unknown };
  if (m.format !== 'plasticnet-sonata' || m.version !== 1) throw new ImportError(`${meta}: not a plasticnet SONATA manifest (version 1)`);
  let spec: NetworkSpec;
  try {
    spec = validate(m.spec);
  } catch (e) {
    throw new ImportError(`${meta}: its spec is invalid: ${(e as Error).message}`);
  }
  for (const [i, p] of spec.populations.entries()) checkName(`populations[${i}].name`, p.name);
  for (const [i, p] of spec.inputs.entries()) checkName(`inputs[${i}].name`, p.name);
  const size = (name: string) => {
    const p = spec.populations.find((q) => q.name === name) ?? spec.inputs.find((q) => q.name === name);
    return Math.round(p!.fraction * spec.N);
  };
  const open = (rel: string) => {
    const file = join(dir, rel);
    if (!existsSync(file)) throw new ImportError(`${dir}: missing ${rel}`);
    try {
      return { f: new lib.File(file, 'r'), file };
    } catch (e) {
      throw new ImportError(`${file}: not a readable HDF5 file: ${hdf5Reason((e as Error).message)}`);
    }
  };
  const v0 = new Map<string, Float32Array>();
  const nodes = open('network/nodes.h5');
  try {
    for (const p of spec.populations) {
      if (p.neuron.model === 'poisson') continue;
      const v = dataset(nodes.f, nodes.file, `/nodes/${p.name}/0/v_init`).value;
      if (!(v instanceof Float32Array) || v.length !== size(p.name)) throw new ImportError(`${nodes.file}: /nodes/${p.name}/0/v_init must be f32[${size(p.name)}]`);
      v0.set(p.name, v);
    }
  } finally {
    nodes.f.close();
  }
  const projections: SonataNetwork['projections'] = [];
  const edges = open('network/edges.h5');
  try {
    for (const sp of spec.projections) {
      const tag = projTag(sp.post, sp.pre);
      const base = `/edges/${tag}`;
      const src = dataset(edges.f, edges.file, `${base}/source_node_id`);
      const tgt = dataset(edges.f, edges.file, `${base}/target_node_id`);
      for (const [ds, want] of [[src, sp.pre], [tgt, sp.post]] as const) {
        const pop = ds.attrs['node_population']?.value;
        if (pop !== want) throw new ImportError(`${edges.file}: ${ds.path} has node_population '${String(pop)}', expected '${want}'`);
      }
      const pre = ids(src, edges.file, size(sp.pre));
      const post = ids(tgt, edges.file, size(sp.post));
      const J = dataset(edges.f, edges.file, `${base}/0/syn_weight`).value;
      const delay = dataset(edges.f, edges.file, `${base}/0/delay`).value;
      if (!(J instanceof Float32Array) || J.length !== pre.length || post.length !== pre.length) throw new ImportError(`${edges.file}: ${base}: source_node_id, target_node_id and 0/syn_weight (f32) must have one entry per edge`);
      if (!(delay instanceof Float64Array) || delay.length !== pre.length) throw new ImportError(`${edges.file}: ${base}/0/delay must be f64[${pre.length}]`);
      // whole steps of at least one (plasticnet's delays; importCommand compares them with the seed-built ones)
      const bad = delay.findIndex((x) => !(Math.round(x / spec.dt_ms) >= 1 && Math.abs(x - Math.round(x / spec.dt_ms) * spec.dt_ms) <= 1e-9 * x));
      if (bad >= 0) throw new ImportError(`${edges.file}: ${base}/0/delay[${bad}] = ${delay[bad]} ms; plasticnet delays are whole steps of dt_ms = ${spec.dt_ms}, at least one`);
      projections.push({ name: `${sp.post}<-${sp.pre}`, tag, pre, post, J, delay_ms: delay });
    }
  } finally {
    edges.f.close();
  }
  const spikes = new Map<string, { timestamps: Float64Array; nodeIds: Int32Array }>();
  if (existsSync(join(dir, 'output/spikes.h5'))) {
    const s = open('output/spikes.h5');
    try {
      for (const p of spec.populations) {
        const t = dataset(s.f, s.file, `/spikes/${p.name}/timestamps`).value;
        if (!(t instanceof Float64Array)) throw new ImportError(`${s.file}: /spikes/${p.name}/timestamps must be f64`);
        spikes.set(p.name, { timestamps: t, nodeIds: ids(dataset(s.f, s.file, `/spikes/${p.name}/node_ids`), s.file, size(p.name)) });
      }
    } finally {
      s.f.close();
    }
  }
  return { spec, learned: Array.isArray(m.learned) ? m.learned.map(String) : [], projections, v0, spikes };
}
