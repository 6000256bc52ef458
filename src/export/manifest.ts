import * as E from 'fp-ts/Either';
import { parseJson } from '../json-text';
import * as t from 'io-ts';
import { configInvalid, type TpusegError } from '../errors';

/**
 * `plan.json` of an export directory: which model was cut where, the predictions for the plan,
 * the files, and for an advised configuration which TPUs run each segment's copies. `tpuseg validate` reads it back; `model.sha256` lets it check that the model it
 * reloads is the one that was cut.
 */

const SegmentSpec = t.type({
  index: t.number,
  file: t.string,
  compiled: t.string,
  compilerLog: t.string,
  firstOp: t.number,
  lastOp: t.number,
  inputs: t.array(t.string),
  outputs: t.array(t.string),
  sha256: t.string,
});

const Predicted = t.type({
  strategy: t.string,
  cuts: t.array(t.number),
  segments: t.array(t.type({
    firstOp: t.number, lastOp: t.number, ops: t.number, paramBytes: t.number, onChipBytes: t.number,
    offChipBytes: t.number, inBytes: t.number, outBytes: t.number, ms: t.number,
  })),
  bottleneckMs: t.number,
  latencyMs: t.number,
  batch: t.number,
  msPerInput: t.number,
});

/** An advised configuration (tpuseg advise): which TPUs run each segment's copies, and what it was predicted to give. */
const Configuration = t.intersection([
  t.type({
    id: t.string, kind: t.string, stages: t.number, tpus: t.number, copies: t.array(t.number), assignment: t.array(t.array(t.number)),
    steadyMs: t.number, throughput: t.number, latencyMs: t.number, msPerInput: t.number, limitedBy: t.string, handoffMs: t.array(t.number),
  }),
  t.partial({ devices: t.array(t.string) }),
]);

export const ManifestCodec = t.intersection([t.type({
  tool: t.literal('tpuseg export'),
  format: t.literal(1),
  model: t.intersection([
    t.type({ spec: t.string, name: t.string, ops: t.number, sha256: t.string }),
    /** writerSeed: seed of the generated weights; file: the whole model as written, beside the segments. */
    t.partial({ writerSeed: t.string, file: t.string }),
  ]),
  profile: t.string,
  tpus: t.number,
  predicted: Predicted,
  segments: t.array(SegmentSpec),
  warnings: t.array(t.string),
}), t.partial({
  configuration: Configuration,
  /** Segments (tpus: the TPUs they run on, more when a configuration runs copies); absent in older exports, whose tpus were their segments. */
  stages: t.number,
  /** The model the plan was made for (src/plan/made-for.ts), so the plan.json is a plan file too. */
  madeFor: t.type({ name: t.string, ops: t.number, graphHash: t.string }),
})]);

export type Manifest = t.TypeOf<typeof ManifestCodec>;
export type ManifestSegment = t.TypeOf<typeof SegmentSpec>;

export const MANIFEST = 'plan.json';

export function parseManifest(text: string, file: string): E.Either<TpusegError, Manifest> {
  const json = parseJson(text);
  if (E.isLeft(json)) return E.left(configInvalid(file, [json.left]));
  const r = ManifestCodec.decode(json.right);
  if (E.isRight(r)) {
    const stages = r.right.stages ?? r.right.tpus;
    if (r.right.segments.length !== stages) {
      return E.left(configInvalid(file, [`segments: ${r.right.segments.length} listed for ${stages} ${r.right.stages === undefined ? 'TPUs' : 'stages'}`]));
    }
    const onTpus = r.right.configuration?.tpus ?? stages;
    if (r.right.stages !== undefined && r.right.tpus !== onTpus) return E.left(configInvalid(file, [`tpus: ${r.right.tpus}, but the ${r.right.configuration ? 'configuration' : 'plan'} runs on ${onTpus}`]));
    return r;
  }
  const problems = [...new Set(r.left.slice(0, 5).map((e) => {
    const keys = e.context.map((c) => c.key).filter((k) => k !== '' && !/^\d+$/.test(k));
    return `${keys.join('.') || '(root)'}: expected ${e.context[e.context.length - 1]?.type.name ?? 'a value'}, got ${JSON.stringify(e.value) ?? 'nothing'}`;
  }))];
  return E.left(configInvalid(file, [...problems, 'is this a directory written by `tpuseg export`?']));
}
