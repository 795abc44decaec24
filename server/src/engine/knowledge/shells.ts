/**
 * Windows programs that give whoever runs them a shell, a script host or an administration console: published as a
 * RemoteApp, each undoes the narrowing RemoteApp is used for. Keyed by file name, lower case.
 */
export interface ShellInfo {
  file: string;
  /** What the user gets, as a noun phrase for messages ("a command shell"). */
  gives: string;
  /**
   * A script host: with fixed arguments (Require) that match `runs` and not `keepsOpen`, it runs the script or command
   * they name and exits, a launcher rather than an open shell.
   */
  scriptHost?: { runs: RegExp; keepsOpen?: RegExp };
}

const CMD = { runs: /(?:^|\s)\/[cr](?=\s|$)/i, keepsOpen: /(?:^|\s)\/k(?=\s|$)/i };
const POWERSHELL = {
  runs: /(?:^|\s)-(?:f|file|c|command|e|ec|encodedcommand)(?=\s|$)|\.ps1\b/i,
  keepsOpen: /(?:^|\s)-noe(?:x|xi|xit)?(?=\s|$)/i,
};
const SCRIPT_FILE = { runs: /\S/ };

export const SHELLS: readonly ShellInfo[] = [
  { file: 'cmd.exe', gives: 'a command shell', scriptHost: CMD },
  { file: 'powershell.exe', gives: 'a PowerShell shell', scriptHost: POWERSHELL },
  { file: 'pwsh.exe', gives: 'a PowerShell shell', scriptHost: POWERSHELL },
  { file: 'powershell_ise.exe', gives: 'a PowerShell editor that runs any script' },
  { file: 'wt.exe', gives: 'a terminal with shells' },
  { file: 'wsl.exe', gives: 'a Linux shell' },
  { file: 'bash.exe', gives: 'a Linux shell' },
  { file: 'wscript.exe', gives: 'a script host', scriptHost: SCRIPT_FILE },
  { file: 'cscript.exe', gives: 'a script host', scriptHost: SCRIPT_FILE },
  { file: 'mshta.exe', gives: 'a script host', scriptHost: SCRIPT_FILE },
  { file: 'rundll32.exe', gives: 'a way to run any DLL' },
  { file: 'regedit.exe', gives: 'the registry editor' },
  { file: 'regedt32.exe', gives: 'the registry editor' },
  { file: 'mmc.exe', gives: 'an administration console' },
  { file: 'taskmgr.exe', gives: 'Task Manager, which starts any program' },
  { file: 'explorer.exe', gives: 'File Explorer, which browses and starts any program' },
  { file: 'mstsc.exe', gives: 'a Remote Desktop client to reach other machines' },
];

const BY_FILE = new Map(SHELLS.map((s) => [s.file, s]));

/**
 * The shell a RemoteApp file path names: its last path segment, compared without case, quotes or environment variables
 * (`%SystemRoot%\System32\cmd.exe`, `"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"`).
 */
export function shellOf(filePath: string): ShellInfo | undefined {
  const trimmed = filePath.trim().replace(/^"+|"+$/g, '');
  const file = trimmed.split(/[\\/]/).pop()!.trim().toLowerCase();
  return BY_FILE.get(file) ?? BY_FILE.get(`${file}.exe`);
}
