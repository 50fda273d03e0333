export { classify, type ClassifyInput } from './classify.js';
export { extractFeatures } from './features.js';
export { BUILTIN_KEYWORDS, NEGATIONS, findKeyword, keywordsFor } from './keywords.js';
export { DEFAULT_ORDER, evaluateRule, ruleOrder } from './rules.js';
export { categorizeArgv, categorizeScript, strongestCategory } from './shell-signals.js';
export { splitShell, type ShellSegment } from './shell-words.js';
export { categorizeToolCall, commandOfArguments, normalizeToolName, type ShellCommand } from './tool-signals.js';
export type { Classification, LastToolCall, RoutingFeatures, ToolCategory } from './types.js';
