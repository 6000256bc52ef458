// The only import path for the generated TFLite schema code (src/tflite/generated is rebuilt by
// scripts/gen-tflite-schema.sh and never edited).
export * from './generated/tflite_schema_flatc2_generated';
