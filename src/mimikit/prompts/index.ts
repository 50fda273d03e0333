export { PROMPTS_DIR, TemplateError, isTruthy, loadTemplate, renderPrompt, renderTemplate, type RenderOptions, type TemplateValue, type TemplateVars } from './template.js';
export { block, toPromptYaml, yamlBlock } from './blocks.js';
export { estimateTokens, fitToBudget, truncateFromStart, type BudgetResult, type BudgetSection } from './budget.js';
export { environmentBlock, type EnvironmentInput } from './environment.js';
