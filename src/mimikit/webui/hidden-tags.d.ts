/** Types of hidden-tags.js (a browser module, also tested under Node). */
export function stripHiddenTags(text: string, options?: { streaming?: boolean }): string;
