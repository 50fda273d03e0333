/**
 * The quota series of a model name: providers such as Google's Code Assist account quotas per family
 * (every Claude model, every Gemini Pro model, every Gemini Flash model), so a quota reset reported for
 * one model applies to its whole series on that account.
 */
export function modelSeries(model: string): string | undefined {
  const m = model.toLowerCase();
  if (m.includes('claude') || m.includes('opus')) return 'claude';
  if (m.includes('flash')) return 'gemini-flash';
  if (m.includes('gemini') || m.includes('pro')) return 'gemini-pro';
  return undefined;
}
