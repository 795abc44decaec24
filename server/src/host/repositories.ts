import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A folder too wide to be a repository of infrastructure code: the file system's root, or a home folder kept in git (dotfiles). */
export function tooWide(dir: string): boolean {
  return dir === path.parse(dir).root || dir === os.homedir();
}

/**
 * The repository each file is in: the nearest folder above it with a `.git` entry, as git finds it (a folder, or the
 * file of a worktree or submodule), caching each folder's answer. Files in no repository, or in one too wide to be
 * a repository of infrastructure code, share one project ('').
 */
export class Repositories {
  /** The nearest folder with `.git` at or above each folder asked about; null when there is none. */
  private readonly byDir = new Map<string, string | null>();

  of(file: string): string {
    const git = this.gitFolder(file);
    return git && !tooWide(git) ? git : '';
  }

  /** The nearest folder with a `.git` entry above `file`, too wide or not; undefined when there is none. */
  gitFolder(file: string): string | undefined {
    return this.gitFolderAt(path.dirname(path.resolve(file)));
  }

  /** The same for a folder: itself when it has `.git`, else the nearest above it. */
  gitFolderAt(dir: string): string | undefined {
    return this.forDir(dir) ?? undefined;
  }

  private forDir(dir: string): string | null {
    let git = this.byDir.get(dir);
    if (git !== undefined) return git;
    const parent = path.dirname(dir);
    if (fs.existsSync(path.join(dir, '.git'))) git = dir;
    else git = parent === dir ? null : this.forDir(parent);
    this.byDir.set(dir, git);
    return git;
  }
}
