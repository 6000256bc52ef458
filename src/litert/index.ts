// The LiteRT harness: run .tflite bytes with real TFLite on this machine's CPU.
export { modelDetails, BUILTIN_CUSTOM_OPS, FEEDABLE_DTYPES, type IoTensor, type ModelDetails } from './inspect';
export { openTflite, runTflite, type TfliteArray, type TfliteSession } from './run';
export { seededInputs, firstDifference } from './data';
export { liteRtLog } from './runtime';
