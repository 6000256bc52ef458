import type { ConstantName } from '../../cost-models';

/**
 * Priors for a regularized (MAP-style) fit: each constant's documented value and range. The fit
 * adds weight x ((u - u0) / scale)^2 per constant, u its value in fit space (log, logit for
 * fractions, linear for `linear` priors), u0 the center and scale half the range's width in the
 * same space, so a constant the data cannot identify stays at the documented value and one they
 * identify follows them. Ranges count as one standard deviation either side of the center.
 */
export interface Prior {
  readonly center: number;
  readonly lo: number;
  readonly hi: number;
  /** Deviations measured in value rather than log (constants whose documented value may be 0). */
  readonly linear?: boolean;
  readonly source: string;
}

export type Priors = Readonly<Partial<Record<ConstantName, Prior>>>;

const DOMAIN = '../shared/docs/domain.md s4';
const HOST = '../shared/docs/host-runtime.md';
const DATA = '../shared/data/README.md';

/**
 * The documented facts about an Edge TPU on an x86 host (USB 3 or PCIe: ../shared/data/README.md
 * leaves the interface of the UCM bench unstated), for fitting the bench profile from
 * `edgetpu-usb3` and for its cross-validation.
 */
export const DOMAIN_PRIORS: Priors = {
  fixedMs: {
    center: 0.17, lo: 0.1, hi: 0.3,
    source: `${DOMAIN}: fixed cost per invoke about 0.27-0.30 ms on USB 3, 0.1-0.2 ms on PCIe (I/O sweeps); the bench's interface is not stated, so both (geometric middle)`,
  },
  hopMs: {
    center: 0.05, lo: 0.01, hi: 0.2,
    source: `${HOST} s1: pycoral's C++ runner allocates outputs, binds tensors and hands off through a condition-variable queue per stage and input (our reading: tens of microseconds)`,
  },
  gilMs: {
    center: 0.245, lo: 0.235, hi: 0.255,
    source: `${DATA}: the bench's Python thread-per-stage fc pipelines take 0.47, 0.72, 0.98 ms per input on 2, 3, 4 TPUs, about 0.245 ms more per stage`,
  },
  gilMsPerMiB: {
    center: 0.4, lo: 0.2, hi: 0.8,
    source: `${HOST} s3: set_tensor and get_tensor memcpy the stage's tensors with the interpreter lock held (our reading: about 0.2 ms per MiB each)`,
  },
  firstInvokeMs: {
    center: 13, lo: 5, hi: 30,
    source: `${HOST} s5: edgetpu#664, a first invoke of 18.4 ms against 5.2 ms after it (one report; a wide range)`,
  },
  firstMsPerMiB: {
    center: 2.5, lo: 2.1, hi: 2.8,
    source: `${HOST} s4: the first request maps and caches the parameters once (our reading: at about the streaming rate, ${DOMAIN} 2.1-2.7 ms per MiB)`,
  },
  firstMsPerActMiB: {
    center: 0, lo: 0, hi: 2, linear: true,
    source: 'our inference: instruction streams and activation buffers mapped at the first invoke grow with the activations; no measurement isolates it',
  },
  activationMsPerMiB: {
    center: 0.59, lo: 0.16, hi: 2.2,
    source: 'per MiB a layer reads: edgetpu-usb3 fitted 0.16 ms per MiB on the Coral table (224x224 CNNs); the bench\'s 64x64xF convs read 0.5-2.7 MiB per layer (a wide, log-centered range covering both)',
  },
  stageActFactor: {
    center: 1.5, lo: 1, hi: 2.2,
    source: `${HOST} s5: edgetpu#262, three PCIe TPUs behind one x1 expander ran ResNet-50 in about 93 ms against 43 ms on USB (2.2x); libcoral#20, a 2-segment pipeline 100 ms against 90 ms on one TPU; ${HOST} s4 (consequences): TPUs behind one host controller share its bandwidth (our reading: 1 = no slowdown to 2.2x)`,
  },
  inMBps: {
    center: 128, lo: 55, hi: 300,
    source: `${DOMAIN}: USB 3 moves about 300 MB/s into the TPU and 55 MB/s out; one symmetric rate lies between (geometric mean)`,
  },
  outMBps: {
    center: 128, lo: 55, hi: 300,
    source: `${DOMAIN}: as inMBps (the bench profile ties both directions to one rate)`,
  },
  convTops: {
    center: 3.99, lo: 2, hi: 4,
    source: `center: edgetpu-usb3 (fitted on the Coral table, an independent source); range ${DOMAIN}: wide convs sustain up to 2.0 TOPS, peak 4 TOPS (our model prices activation traffic apart, so its rate sits above the sustained figures)`,
  },
  streamMsPerMiB: {
    center: 2.7, lo: 2.1, hi: 2.7,
    source: `${DOMAIN}: about 2.7 ms per streamed MiB on the UCM test bench (fully-connected fit), 2.1-2.7 across hosts`,
  },
  streamActAmpPerMiB: {
    center: 0.81, lo: 0.57, hi: 1.14,
    source: `${DOMAIN}: a conv with 64x64 activations pays 3-5x per streamed MiB; (3 - 1) / 3.5 to (5 - 1) / 3.5 at 3.5 activation MiB (our reading)`,
  },
  streamHideFrac: {
    center: 0.5, lo: 0.27, hi: 0.73,
    source: `${DOMAIN}: streaming is largely hidden behind compute for convs with small activations; weak prior (our inference)`,
  },
  capacityMiB: {
    center: 7.75, lo: 7.7, hi: 7.8,
    source: `${DOMAIN}: usable parameter cache up to 7.7-7.8 MiB for fully-connected graphs (small inputs: the capacity before any reduction by input bytes)`,
  },
  capacityPerInputMiB: {
    center: 0.5, lo: 0, hi: 1, linear: true,
    source: `${DOMAIN}: 6.2-6.9 MiB for convs with large activations, about 7.0 by default; a reduction of 0-1 MiB per input MiB spans it (our reading)`,
  },
  maxLayerMiB: {
    center: 7.05, lo: 6.89, hi: 7.22,
    source: `${DOMAIN}: a single 6.89 MiB layer is cached, a 7.22 MiB layer is streamed entirely`,
  },
};

/** Standardized deviation of `value` from the prior, in the same space the fit moves in. */
export function priorZ(p: Prior, value: number, fraction: boolean): number {
  if (p.linear) return (value - p.center) / ((p.hi - p.lo) / 2);
  const tf = fraction ? (v: number): number => Math.log(v / (1 - v)) : Math.log;
  const clamp = (v: number): number => (fraction ? Math.min(Math.max(v, 1e-3), 1 - 1e-3) : Math.max(v, 1e-6));
  return (tf(clamp(value)) - tf(clamp(p.center))) / ((tf(clamp(p.hi)) - tf(clamp(p.lo))) / 2);
}
