import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A folder too wide to be a repository of infrastructure code: the file system's root, or a home folder kept in git (dotfiles). */
export function tooWide(dir: string): boolean {
  return dir === path.parse(dir).root || dir === os.homedir();
}

/**
 * The repository each file is in: the nearest folder above it with a `.git` entry, as git finds it (a folder, or the
 * file of a worktree or submodule), caching each folder's answer. Files in no repository share one project ('').
 */
export class Repositories {
  private readonly byDir = new Map<string, string>();

  of(file: string): string {
    return this.forDir(path.dirname(path.resolve(file)));
  }

  private forDir(dir: string): string {
    let repo = this.byDir.get(dir);
    if (repo !== undefined) return repo;
    const parent = path.dirname(dir);
    if (fs.existsSync(path.join(dir, '.git'))) repo = tooWide(dir) ? '' : dir;
    else repo = parent === dir ? '' : this.forDir(parent);
    this.byDir.set(dir, repo);
    return repo;
  }
}
