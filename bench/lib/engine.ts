/** What the benchmarks use of the engine: bundled by ./bundle.ts exactly as scripts/build.mjs bundles the CLI and server. */
export { parseTree } from 'jsonc-parser';
export { parseBicep } from '../../server/src/engine/adapters/bicep/parser';
export { emptyConfig } from '../../server/src/engine/config';
export { detectLanguage } from '../../server/src/engine/parse';
export { loadGrammars } from '../../server/src/host/grammars';
export { Workspace } from '../../server/src/engine/workspace';
export { applyTextEdits, renderFix } from '../../server/src/engine/fix';
export { measureRules } from '../../server/src/engine/analyze';
