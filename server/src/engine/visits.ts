/**
 * The values one walk over a value may visit. Values share parts (a variable read twice at each level of others), and
 * a walk that follows each reading visits a shared part once per path to it: exponentially many in the depth. The
 * bodies of real resources hold a few thousand values; a walk that runs out stops, with what it found so far.
 */
export const MAX_VISITS = 100_000;

/** What is left of a walk's MAX_VISITS. */
export interface Visits {
  left: number;
}

export function visits(): Visits {
  return { left: MAX_VISITS };
}

/** Takes one visit; false when none is left. */
export function visit(v: Visits): boolean {
  return --v.left >= 0;
}
