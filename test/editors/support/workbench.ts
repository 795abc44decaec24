import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';

// The functions passed to page.evaluate() run in the browser. The test project has no DOM library, so the little of
// the DOM they use is declared here (only for the type checker: nothing is emitted).
interface DomElement {
  readonly textContent: string | null;
  readonly className: string;
  readonly style: { readonly top: string };
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): Iterable<DomElement>;
}
declare const document: DomElement;

export interface Squiggle {
  line: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
}

export interface ProblemRow {
  /** Absolute path of the file the problem belongs to. */
  file: string;
  severity: string;
  message: string;
  source: string;
  code: string;
  line: number;
  column: number;
}

/** Polls `probe` until it returns something other than undefined; no fixed sleeps. */
export async function poll<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, describeLast?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const last = describeLast ? await describeLast().catch((e) => String(e)) : lastError ? String(lastError) : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `; last seen: ${last}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The VS Code workbench in a browser page, driven as a user does: the command palette, Quick Open, Go to Line,
 * keyboard shortcuts, and what is on screen (squiggles, the Problems panel, hovers, the Quick Fix menu, the Output panel).
 */
export class Workbench {
  private constructor(readonly page: Page) {}

  static async open(browser: Browser, url: string): Promise<Workbench> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(30_000);
    await page.goto(url);
    await page.locator('.monaco-workbench .part.editor').waitFor({ timeout: 90_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 90_000 });
    return new Workbench(page);
  }

  private async quickInput(prefix: string, text: string, pick: (label: string) => boolean): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(prefix + text);
    await poll(`"${text}" in the quick input list`, 30_000, async () => {
      const focused = this.page.locator('.quick-input-list .monaco-list-row.focused').first();
      if (!(await focused.isVisible())) return undefined;
      const label = (await focused.getAttribute('aria-label')) ?? (await focused.innerText());
      return pick(label) ? true : undefined;
    });
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  }

  /** Runs a command from the command palette (F1) by its label, e.g. "View: Focus Problems". */
  async command(label: string): Promise<void> {
    await this.page.keyboard.press('F1');
    await this.quickInput('>', label, (l) => l.toLowerCase().startsWith(label.toLowerCase()));
  }

  /** Opens a workspace file with Quick Open (Ctrl+P) and waits for its editor tab. */
  async openFile(relativePath: string): Promise<void> {
    const base = relativePath.split('/').pop()!;
    await this.page.keyboard.press('Control+P');
    await this.quickInput('', relativePath, (l) => l.includes(base));
    await this.page.locator('.tabs-container .tab.active', { hasText: base }).waitFor();
    await this.page.locator('.part.editor .monaco-editor .view-lines').first().waitFor();
  }

  /** Moves the cursor with Go to Line (Ctrl+G); line and column are 1-based, as the status bar shows them. */
  async goTo(line: number, column: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await poll(`the cursor at Ln ${line}, Col ${column}`, 10_000, async () => {
      const t = await this.page.locator('[id="status.editor.selection"]').innerText();
      return t.includes(`Ln ${line}, Col ${column}`) ? true : undefined;
    });
  }

  /** The squiggles drawn in the active editor, with the line each is drawn on (only lines on screen are drawn). */
  squiggles(): Promise<Squiggle[]> {
    return this.page.evaluate(() => {
      const editor = document.querySelector('.part.editor .editor-group-container.active .monaco-editor');
      if (!editor) return [];
      const lineAt = new Map<string, number>();
      for (const row of editor.querySelectorAll('.margin-view-overlays > div')) {
        const n = row.querySelector('.line-numbers')?.textContent?.trim();
        if (n && /^\d+$/.test(n)) lineAt.set(row.style.top, Number(n));
      }
      const out: { line: number; severity: 'error' | 'warning' | 'info' | 'hint' }[] = [];
      for (const row of editor.querySelectorAll('.view-overlays > div')) {
        const line = lineAt.get(row.style.top);
        if (line === undefined) continue;
        for (const d of row.querySelectorAll('[class*="squiggly-"]')) {
          const m = /squiggly-(error|warning|info|hint)/.exec(d.className);
          if (m) out.push({ line, severity: m[1] as 'error' | 'warning' | 'info' | 'hint' });
        }
      }
      return out;
    });
  }

  /** Shows the Problems panel ("View: Focus Problems", Ctrl+Shift+M) in table view and sets its filter box ('' for none). */
  async showProblems(filter = ''): Promise<void> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) await this.command('View: Focus Problems');
    await panel.waitFor({ state: 'visible' });
    await this.problemsView('table');
    const box = this.page.locator('.part.panel input[aria-label="Filter Problems"]');
    if ((await box.inputValue()) === filter) return;
    // The panel applies its filter after a short delay and then shows "Showing N of M": wait for that badge to go
    // (filter cleared) and to come back (new filter applied), so that what follows sees the filtered list.
    const badge = this.page.locator('.part.panel .viewpane-filter-badge:visible', { hasText: /^Showing / });
    await box.fill('');
    await poll('the Problems filter to clear', 10_000, async () => ((await badge.count()) === 0 ? true : undefined));
    if (filter) {
      await box.fill(filter);
      // No badge comes when the filter happens to match every problem: then there is nothing to wait for.
      await poll(`the Problems filter "${filter}" to apply`, 5_000, async () => ((await badge.count()) > 0 ? true : undefined)).catch(() => undefined);
    }
  }

  /** Switches the Problems panel between its tree and table views with the button in its title bar. */
  async problemsView(mode: 'tree' | 'table'): Promise<void> {
    const toggle = (m: string) => this.page.locator(`.part.panel .title-actions a.action-label[aria-label="View as ${m}"]`);
    const want = mode === 'tree' ? 'Tree' : 'Table';
    const other = mode === 'tree' ? 'Table' : 'Tree';
    if (await toggle(want).isVisible()) {
      await toggle(want).click();
      // Move the pointer off the button so that its tooltip does not show in screenshots.
      await this.page.mouse.move(150, 600);
    }
    await toggle(other).waitFor({ state: 'visible' });
  }

  /**
   * The problems listed in the Problems panel. The panel is in table view (USER_SETTINGS), where each row names its file;
   * the tree view is read too. Set the filter first so that the rows fit on screen (the list only renders what is visible).
   */
  problems(): Promise<ProblemRow[]> {
    return this.page.evaluate(() => {
      const rows: ProblemRow[] = [];
      let file = '';
      for (const row of document.querySelectorAll('.markers-panel .monaco-list-row')) {
        const icon = row.querySelector('.marker-icon')?.className ?? '';
        const severity = /\b(error|warning|info)\b/.exec(icon)?.[1] ?? icon;
        const table = row.querySelector('.monaco-table-tr');
        if (table) {
          // Table view: Code ("source(code)"), Message, File ("path [Ln x, Col y]" in its title), Source.
          const where = /^(.*) \[Ln (\d+), Col (\d+)\]$/.exec(row.querySelector('.file')?.getAttribute('title') ?? '');
          rows.push({
            file: where ? where[1] : '',
            severity,
            message: row.querySelector('.message')?.textContent ?? '',
            source: row.querySelector('.source')?.textContent ?? '',
            code: row.querySelector('.code .monaco-link')?.textContent ?? row.querySelector('.code .code-label')?.textContent ?? '',
            line: where ? Number(where[2]) : 0,
            column: where ? Number(where[3]) : 0,
          });
          continue;
        }
        // Tree view: a file row, then its problems, each followed by its related information.
        const resource = row.querySelector('.resource-label-container .monaco-icon-label');
        if (resource) {
          file = resource.getAttribute('aria-label') ?? '';
          continue;
        }
        const message = row.querySelector('.marker-message');
        if (!message) continue;
        const pos = /Ln (\d+), Col (\d+)/.exec(row.querySelector('.marker-line')?.textContent ?? '');
        rows.push({
          file,
          severity,
          message: message.textContent ?? '',
          source: row.querySelector('.marker-source')?.textContent ?? '',
          code: row.querySelector('.marker-code')?.textContent ?? '',
          line: pos ? Number(pos[1]) : 0,
          column: pos ? Number(pos[2]) : 0,
        });
      }
      return rows;
    });
  }

  /** Shows the hover at the cursor (command "Show or Focus Hover") and returns its text. */
  async hoverAtCursor(): Promise<string> {
    await this.command('Show or Focus Hover');
    const hover = this.page.locator('.part.editor .monaco-hover:not(.hidden)').first();
    await hover.waitFor({ state: 'visible' });
    return poll('a hover with text', 15_000, async () => {
      const t = (await hover.innerText()).trim();
      return t && !/^Loading/.test(t) ? t : undefined;
    });
  }

  /** Opens the Quick Fix menu at the cursor (Ctrl+.) and returns the titles it offers. */
  async openQuickFix(): Promise<string[]> {
    await this.page.keyboard.press('Control+.');
    const menu = this.page.locator('.action-widget');
    await menu.waitFor({ state: 'visible' });
    const rows = menu.locator('.monaco-list-row.action');
    await rows.first().waitFor();
    return (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''))).filter(Boolean);
  }

  /** In the open Quick Fix menu, moves to the action whose title starts with `title` and applies it (Enter). */
  async applyQuickFix(title: string): Promise<void> {
    const focused = this.page.locator('.action-widget .monaco-list-row.focused');
    await poll(`the quick fix "${title}" focused`, 10_000, async () => {
      const label = (await focused.getAttribute('aria-label')) ?? '';
      if (label.startsWith(title)) return true;
      await this.page.keyboard.press('ArrowDown');
      return undefined;
    });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.action-widget').waitFor({ state: 'hidden' });
  }

  /** Shows an output channel in the Output panel ("Output: Show Output Channels...") and returns its visible text. */
  async outputChannel(name: string): Promise<string> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('>Output: Show Output Channels');
    await poll('the command "Output: Show Output Channels..."', 15_000, async () =>
      (await this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'Show Output Channels' }).count()) ? true : undefined,
    );
    await this.page.keyboard.press('Enter');
    await input.fill(name);
    await poll(`the output channel "${name}" in the list`, 15_000, async () => {
      const label = (await this.page.locator('.quick-input-list .monaco-list-row.focused').first().getAttribute('aria-label')) ?? '';
      return label.trim().toLowerCase().startsWith(name.toLowerCase()) ? true : undefined;
    });
    await this.page.keyboard.press('Enter');
    const view = this.page.locator('.part.panel .output-view, .part.panel [id="workbench.panel.output"]').first();
    await view.waitFor({ state: 'visible' });
    // The Output panel has a filter box of its own: clear it so that every line shows.
    const filter = this.page.locator('.part.panel .viewpane-filter input:visible').first();
    if ((await filter.count()) && (await filter.inputValue())) await filter.fill('');
    return poll(`text in the "${name}" output channel`, 30_000, async () => {
      const t = (await view.locator('.view-lines').first().innerText()).trim();
      return t ? t : undefined;
    });
  }

  /**
   * The status bar item whose text or accessible label matches: its text as shown (codicons drop out) and its label.
   * Undefined while there is none.
   */
  async statusBarItem(match: RegExp): Promise<{ text: string; label: string } | undefined> {
    const items = await this.page.locator('.part.statusbar .statusbar-item').evaluateAll((els) =>
      els.map((e) => ({
        text: (e.textContent ?? '').replace(/\s+/g, ' ').trim(),
        label: e.querySelector('[aria-label]')?.getAttribute('aria-label') ?? e.getAttribute('aria-label') ?? '',
      })),
    );
    return items.find((i) => match.test(i.text) || match.test(i.label));
  }

  /** Clicks the status bar item whose text matches. */
  async clickStatusBarItem(match: RegExp): Promise<void> {
    await this.page.locator('.part.statusbar .statusbar-item', { hasText: match }).locator('.statusbar-item-label').first().click();
  }

  /**
   * Sets a boolean user setting in the Settings editor ("Preferences: Open Settings (UI)"): searches its id, ticks or
   * clears the checkbox of the row titled `title` (as the editor shows it, e.g. "Fix On Save"), closes the editor.
   */
  async setBooleanSetting(id: string, title: string, value: boolean): Promise<void> {
    await this.command('Preferences: Open Settings (UI)');
    await this.page.locator('.settings-editor').waitFor();
    // The search box has the focus when the editor opens.
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.type(id);
    const box = this.page.locator('.settings-editor .setting-item-bool', { hasText: title }).first().locator('.setting-value-checkbox');
    await box.waitFor();
    if ((await box.getAttribute('aria-checked')) !== String(value)) await box.click();
    await poll(`${id} ${value ? 'ticked' : 'cleared'} in the Settings editor`, 10_000, async () =>
      (await box.getAttribute('aria-checked')) === String(value) ? true : undefined,
    );
    await this.page.locator('.tabs-container .tab.active .tab-actions .action-label').first().click();
    await this.page.locator('.settings-editor').waitFor({ state: 'hidden' });
  }

  /** Closes the panel (Problems, Output) when it is open. */
  async closePanel(): Promise<void> {
    if (await this.page.locator('.part.panel').isVisible()) await this.command('View: Hide Panel');
    await this.page.locator('.part.panel').waitFor({ state: 'hidden' });
  }

  /** Saves a screenshot of the whole window (CSS animations such as the hover's fade-in finished first). */
  async screenshot(file: string): Promise<void> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file, animations: 'disabled' });
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}
