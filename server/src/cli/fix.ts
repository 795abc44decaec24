import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

export { applyFixes, type FixOutcome, preferredFix } from '../engine/fix-all';

/** A unified diff of one file (`a/` and `b/` prefixes, as git writes them, so that `git apply` takes it). */
export function unifiedDiff(file: string, before: string, after: string): string {
  return createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { headerOptions: FILE_HEADERS_ONLY });
}
