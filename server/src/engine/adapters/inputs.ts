// graph.ts reads folders through here until it moves into graph/ (ARCHITECTURE.md), which imports resolve/paths.
export { dirOf } from '../resolve/paths';
