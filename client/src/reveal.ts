import type { REVEAL_COMMAND } from '../../server/src/protocol/overview';
import { Position, Range, Selection, TextEditorRevealType, Uri, ViewColumn, window, workspace } from 'vscode';

/** The command the overview's links and the "AVD Security" view's items run: reveal a place in the code. */
export const REVEAL = 'avdsec.reveal' satisfies typeof REVEAL_COMMAND;

/**
 * Opens `uri` and puts the cursor at `line`/`character` (0-based, as the LSP counts). The arguments may come from a
 * command URI in the overview page, so they are checked, and only files are opened.
 */
export async function reveal(uri: unknown, line: unknown, character: unknown): Promise<void> {
  if (typeof uri !== 'string' || !Number.isInteger(line) || !Number.isInteger(character)) return;
  const target = Uri.parse(uri, true);
  if (target.scheme !== 'file') return;
  const document = await workspace.openTextDocument(target);
  const at = document.validatePosition(new Position(line as number, character as number));
  // The editor that shows the file already, else the text editor in use: never over the overview page itself.
  const shown = window.visibleTextEditors.find((e) => e.document.uri.toString() === document.uri.toString());
  const column = shown?.viewColumn ?? window.activeTextEditor?.viewColumn ?? window.visibleTextEditors[0]?.viewColumn ?? ViewColumn.One;
  const editor = await window.showTextDocument(document, { viewColumn: column, preserveFocus: false });
  editor.selection = new Selection(at, at);
  editor.revealRange(new Range(at, at), TextEditorRevealType.InCenterIfOutsideViewport);
}
