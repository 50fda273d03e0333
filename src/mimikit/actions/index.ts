export { parseReply, stripHiddenTags, type ParsedAction, type ParsedReply } from './parse.js';
export { ACTION_NAMES, HISTORY_ROLES, actionSpecs, isActionName, parseActionArgs, type ActionArgs, type ActionName, type ArgsResult, type HistoryRole } from './schemas.js';
export { validateActions, type FeedbackError, type FeedbackItem, type ManagerAction, type ValidationContext } from './validate.js';
export { renderActionFeedback, summarizeActionFeedback } from './render-feedback.js';
export { parseIsoWithZone } from './iso-time.js';
