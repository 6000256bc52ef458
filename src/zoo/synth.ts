import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { usage, type TpusegError } from '../errors';
import type { LayerGraph } from '../graph/types';
import { MAX_INPUT_SIZE, MAX_SYNTH_LAYERS, MAX_SYNTH_WIDTH } from '../limits';
import { GraphBuilder } from './builder';

/**
 * The two synthetic families of the predecessor paper (arXiv 2503.01025), as described in
 * ../shared/data/README.md and built there with Keras + full-integer post-training quantization:
 *
 * - `synth:conv?filters=F&layers=L&size=S`: float32 input SxSx3 (default S = 64), L (default 5)
 *   x Conv2D(F, 3x3, padding='same', activation='relu', use_bias=True), no head. The bench's
 *   converter was told `inference_output_type = int8`: a QUANTIZE (float32 -> int8) opens the
 *   graph and the output stays int8 (SxSxF bytes), with no DEQUANTIZE.
 * - `synth:fc?neurons=N&layers=L`: float32 input vector of 64, L (default 5) x Dense(N, 'tanh'),
 *   then Dense(10); float32 in and out (QUANTIZE on entry, DEQUANTIZE at the end), as the bench's
 *   single-TPU fc models.
 *
 * `&output=int8` or `&output=float` overrides the output of either family; the non-default
 * variant is named as such (`synth_conv_f32_l5_s64_float`, `synth_fc_n100_l4_int8`). The bench's
 * multi-TPU fc files ran one converted sub-model per segment with int8 boundaries and an int8
 * output: `synth:fc?...&output=int8` cut between its layers is that chain of sub-models.
 */

export type SynthOutput = 'int8' | 'float';

export type SynthParams =
  | { readonly family: 'conv'; readonly filters: number; readonly layers: number; readonly size: number; readonly output: SynthOutput }
  | { readonly family: 'fc'; readonly neurons: number; readonly layers: number; readonly output: SynthOutput };

const KEYS = { conv: ['filters', 'layers', 'size', 'output'], fc: ['neurons', 'layers', 'output'] } as const;
const DEFAULTS: Readonly<Record<string, number>> = { layers: 5, size: 64 };
const DEFAULT_OUTPUT: Readonly<Record<'conv' | 'fc', SynthOutput>> = { conv: 'int8', fc: 'float' };
const MAX: Readonly<Record<string, number>> = { layers: MAX_SYNTH_LAYERS, size: MAX_INPUT_SIZE, filters: MAX_SYNTH_WIDTH, neurons: MAX_SYNTH_WIDTH };

/** Parses a `synth:` spec; every problem is a Usage error naming the spec and the parameter. */
export function parseSynth(spec: string): E.Either<TpusegError, SynthParams> {
  const bad = (why: string) => E.left(usage(`${spec}: ${why} (expected synth:conv?filters=F[&layers=L][&size=S][&output=int8|float] or synth:fc?neurons=N[&layers=L][&output=float|int8])`));
  const m = /^synth:([^?]*)(?:\?(.*))?$/.exec(spec.trim());
  if (!m) return bad('not a synth: spec');
  const family = m[1]!;
  if (family !== 'conv' && family !== 'fc') return bad(`unknown synthetic family "${family}"`);
  const allowed: readonly string[] = KEYS[family];
  const values: Record<string, number> = {};
  let output: SynthOutput | undefined;
  for (const part of (m[2] ?? '').split('&').filter((p) => p !== '')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const raw = eq < 0 ? '' : part.slice(eq + 1);
    if (!allowed.includes(key)) return bad(`unknown parameter "${key}" for family ${family} (allowed: ${allowed.join(', ')})`);
    if (key in values || (key === 'output' && output !== undefined)) return bad(`parameter "${key}" given twice`);
    if (key === 'output') {
      if (raw !== 'int8' && raw !== 'float') return bad(`parameter "output" must be int8 or float, got "${raw}"`);
      output = raw;
      continue;
    }
    const v = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(v) || v < 1) return bad(`parameter "${key}" must be a positive integer, got "${raw}"`);
    const max = MAX[key]!;
    if (v > max) return bad(`parameter "${key}" is ${v}, at most ${max}`);
    values[key] = v;
  }
  for (const key of allowed) {
    if (values[key] !== undefined || key === 'output') continue;
    if (DEFAULTS[key] === undefined) return bad(`missing parameter "${key}"`);
    values[key] = DEFAULTS[key]!;
  }
  const out = output ?? DEFAULT_OUTPUT[family];
  return E.right(family === 'conv'
    ? { family, filters: values['filters']!, layers: values['layers']!, size: values['size']!, output: out }
    : { family, neurons: values['neurons']!, layers: values['layers']!, output: out });
}

/** Canonical name, also the file stem of exports: synth_conv_f32_l5_s64, synth_fc_n100_l4 (+ `_float` / `_int8` for the non-default output). */
export function synthName(p: SynthParams): string {
  const suffix = p.output === DEFAULT_OUTPUT[p.family] ? '' : `_${p.output}`;
  return (p.family === 'conv' ? `synth_conv_f${p.filters}_l${p.layers}_s${p.size}` : `synth_fc_n${p.neurons}_l${p.layers}`) + suffix;
}

export function buildSynth(p: SynthParams): LayerGraph {
  const name = synthName(p);
  const outputKey = p.output === DEFAULT_OUTPUT[p.family] ? '' : `&output=${p.output}`;
  const source = (p.family === 'conv'
    ? `synth:conv?filters=${p.filters}&layers=${p.layers}&size=${p.size}`
    : `synth:fc?neurons=${p.neurons}&layers=${p.layers}`) + outputKey;
  const b = new GraphBuilder(name, source);
  const finish = p.output === 'int8' ? 'int8' : 'io';
  const io = p.output === 'int8' ? 'float32 input, int8 output' : 'float32 I/O';
  if (p.family === 'conv') {
    let x = b.input([p.size, p.size, 3], 'float32');
    for (let i = 0; i < p.layers; i++) x = b.conv(x, { filters: p.filters, kernel: 3, padding: 'same', act: 'relu' });
    return b.finish([x], `synthetic conv family: ${p.layers} x Conv2D(${p.filters}, 3x3, same, relu) on ${p.size}x${p.size}x3, ${io}`, finish);
  }
  let x = b.input([64], 'float32');
  for (let i = 0; i < p.layers; i++) x = b.dense(x, { units: p.neurons, act: 'tanh' });
  x = b.dense(x, { units: 10 });
  return b.finish([x], `synthetic fc family: input 64, ${p.layers} x Dense(${p.neurons}, tanh) + Dense(10), ${io}`, finish);
}

export function synthModel(spec: string): E.Either<TpusegError, LayerGraph> {
  return pipe(parseSynth(spec), E.map(buildSynth));
}

/**
 * MACs as the measuring script of ../shared/data/edgetpu-measurements counted them (README):
 * conv `S*S*9*((3+1)*F + (F+1)*F*(L-1))` (bias counted as one more input channel), fc
 * `N*(64 + 10 + (L-1)*N)`. Our own rule (src/graph/macs.ts) leaves the bias out, so for conv
 * graph MACs = script MACs - S*S*9*F*L; for fc the two agree.
 */
export function scriptMacs(p: SynthParams): number {
  return p.family === 'conv'
    ? p.size * p.size * 9 * ((3 + 1) * p.filters + (p.filters + 1) * p.filters * (p.layers - 1))
    : p.neurons * (64 + 10 + (p.layers - 1) * p.neurons);
}
