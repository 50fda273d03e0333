/** The state directory: paths and file formats. Nothing outside this folder knows them. */
export { StatePaths, StoragePathError, assertTaskId, utcDay, isInside } from './paths.js';
export { StorageValidationError, readValidLines, readAllValidLines, describeIssues, type CorruptLine, type CorruptLineHandler } from './validated-jsonl.js';
export { PacketQueue, normalizeCursor, type PacketQueueOptions, type QueueRead } from './queue.js';
export { HistoryStore, type HistoryStoreOptions, type RecentQuery } from './history.js';
export { HistoryQueryError, searchTerms, SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT, type HistoryHit, type HistoryRole, type HistorySearchQuery } from './history-search.js';
export { loadSnapshot, saveSnapshot, SnapshotError, type LoadSnapshotOptions } from './snapshot.js';
export { TaskArchiveStore, liveArchive, renderTaskArchive, archiveSlug, archiveMetaSchema, type ArchiveMeta, type TaskArchive } from './archives.js';
export { TraceWriter, renderTrace, traceBaseName, type TraceRecord, type TraceRole, type TraceAttempt } from './traces.js';
export { ProgressStore, type ProgressStoreOptions } from './progress.js';
export { PersonaStore, fsSafeTimestamp, type PersonaUpdate } from './persona.js';
export { TaskLog, taskLogEntrySchema, type TaskLogEntry } from './tasks-log.js';
export { createRuntimeLogger, LOG_SCHEMA, type RuntimeLogger } from './runtime-log.js';
export { acquireInstanceLock, InstanceLockError, lockRecordSchema, type InstanceLock, type InstanceLockOptions, type LockRecord } from './instance-lock.js';
export { clearDeadWritersTemps, clearStaleFileLocks, lockedDirs } from './stale-locks.js';
export { parseDocument, splitSections, type ParsedDocument } from './front-matter.js';
