export { isLate, newerRecord } from "./newer-record.js";
export { errorLine, RecordWriter, type WriterOptions, type WriterStats } from "./record-writer.js";
export { writerOptions } from "./writer-options.js";
