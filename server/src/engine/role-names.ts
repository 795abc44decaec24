import { ROLES } from './knowledge/roles';

/**
 * Identifiers that name a role (`virtualMachineAdministratorLoginRoleId`, `vm_admin_login_role`), and the same
 * identifier for another role: when a fix swaps the role a local variable holds, the variable's name follows.
 */

/** Words of role names that identifiers often shorten, and their shorter forms. */
const SHORT: Record<string, string[]> = {
  'virtual machine': ['vm'],
  administrator: ['admin'],
  'desktop virtualization': ['avd', 'dv'],
  contributor: ['contrib'],
  'role based access control': ['rbac'],
  application: ['app'],
};

/** Leading words an identifier may leave out, when what remains still names the role (two words or more). */
const PREFIXES = ['virtual machine', 'desktop virtualization'];

interface Word {
  text: string;
  start: number;
  end: number;
}

/** The words of an identifier: split at `_`, `-`, and case changes (`VMAdminLogin` is VM, Admin, Login). */
function words(id: string): Word[] {
  const out: Word[] = [];
  for (const m of id.matchAll(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g)) out.push({ text: m[0], start: m.index!, end: m.index! + m[0].length });
  return out;
}

/** A way of writing a role name: its words, and for each the role-name word(s) it stands for. */
interface Form {
  words: string[];
  /** Which phrase of SHORT each word shortens, or undefined when written out. */
  short: (string | undefined)[];
  /** The prefix left out, if any. */
  dropped?: string;
}

/** Every way an identifier may write a role name: words written out or shortened, a leading prefix left out or not. */
function forms(name: string): Form[] {
  const lower = name
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const out: Form[] = [];
  const variants = (rest: string, dropped?: string) => {
    // Expand left to right: at each point, a phrase of SHORT (written out or shortened) or one word.
    const go = (s: string, acc: Form) => {
      if (!s) {
        if (acc.words.length >= (dropped ? 2 : 1)) out.push({ ...acc, ...(dropped ? { dropped } : {}) });
        return;
      }
      const phrase = Object.keys(SHORT).find((p) => s === p || s.startsWith(`${p} `));
      if (phrase) {
        const after = s.slice(phrase.length).trim();
        for (const abbr of SHORT[phrase]) go(after, { words: [...acc.words, abbr], short: [...acc.short, phrase] });
        go(after, { words: [...acc.words, ...phrase.split(' ')], short: [...acc.short, ...phrase.split(' ').map(() => undefined)] });
        return;
      }
      const [w, ...more] = s.split(' ');
      go(more.join(' '), { words: [...acc.words, w], short: [...acc.short, undefined] });
    };
    go(rest, { words: [], short: [] });
  };
  variants(lower);
  for (const p of PREFIXES) if (lower.startsWith(`${p} `)) variants(lower.slice(p.length + 1), p);
  return out;
}

const ROLE_FORMS = ROLES.map((r) => ({ name: r.name, forms: forms(r.name) }));

interface Match {
  role: string;
  form: Form;
  /** Word indexes [from, to) in the identifier. */
  from: number;
  to: number;
}

/** Every run of the identifier's words that writes a role name. */
function matches(ws: Word[]): Match[] {
  const lower = ws.map((w) => w.text.toLowerCase());
  const out: Match[] = [];
  for (const { name, forms: fs } of ROLE_FORMS)
    for (const form of fs)
      for (let i = 0; i + form.words.length <= lower.length; i++)
        if (form.words.every((w, k) => lower[i + k] === w)) out.push({ role: name, form, from: i, to: i + form.words.length });
  return out;
}

/** A word in the case of the identifier: as `like` is written (lower, UPPER or Capitalized). */
function cased(word: string, like: string): string {
  if (like.length > 1 && like === like.toUpperCase()) return word.toUpperCase();
  if (like[0] === like[0].toUpperCase()) return word[0].toUpperCase() + word.slice(1);
  return word;
}

/**
 * The identifier with the name of role `from` in it replaced by role `to`'s, written the same way (shortened words
 * stay short, the case and separators of the identifier are kept), or undefined when the identifier does not name
 * `from`: when no run of its words writes that name, or a longer run names another role (`vmContributor` names
 * Virtual Machine Contributor, not Contributor).
 */
export function renamedForRole(identifier: string, from: string, to: string): string | undefined {
  const ws = words(identifier);
  const all = matches(ws);
  const own = all
    .filter((m) => m.role.toLowerCase() === from.toLowerCase())
    .filter((m) => !all.some((o) => o.role !== m.role && o.from <= m.from && o.to >= m.to && o.to - o.from > m.to - m.from))
    .sort((a, b) => b.to - b.from - (a.to - a.from))[0];
  if (!own) return undefined;
  // The new name's words: its prefix left out when the old one was and both share it, its phrases shortened alike.
  let rest = to
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (own.form.dropped && rest.startsWith(`${own.form.dropped} `)) rest = rest.slice(own.form.dropped.length + 1);
  const shortened = new Set(own.form.short.filter((s): s is string => !!s));
  const next: string[] = [];
  while (rest) {
    const phrase = Object.keys(SHORT).find((p) => rest === p || rest.startsWith(`${p} `));
    if (phrase) {
      next.push(...(shortened.has(phrase) ? [own.form.words[own.form.short.indexOf(phrase)]] : phrase.split(' ')));
      rest = rest.slice(phrase.length).trim();
    } else {
      const [w, ...more] = rest.split(' ');
      next.push(w);
      rest = more.join(' ');
    }
  }
  const run = ws.slice(own.from, own.to);
  const start = run[0].start;
  const end = run[run.length - 1].end;
  const written = identifier.slice(start, end);
  const sep = /[_-]/.exec(written)?.[0];
  const upper = run.every((w) => w.text.length > 1 && w.text === w.text.toUpperCase() && /[A-Z]/.test(w.text));
  const text = next
    .map((w, i) => {
      // A word the old name wrote too keeps its spelling (`VM`) where it stands alike; others take the case around them.
      const same = run.find((r) => r.text.toLowerCase() === w);
      if (same && (sep || upper || (i === 0) === (same === run[0]) || same.text === same.text.toUpperCase())) return same.text;
      if (upper) return w.toUpperCase();
      if (sep) return cased(w, run[Math.min(i, run.length - 1)].text);
      return i === 0 && start === 0 && /^[a-z]/.test(identifier) ? w : cased(w, 'X');
    })
    .join(sep ?? '');
  const renamed = identifier.slice(0, start) + text + identifier.slice(end);
  return renamed !== identifier ? renamed : undefined;
}
