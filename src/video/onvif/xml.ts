/**
 * A tiny XML reader for ONVIF's SOAP answers and WS-Discovery messages: elements with their local name (prefix
 * dropped: devices disagree on prefixes, never on local names), attributes, text and children. No DTDs, no external
 * entities (a DOCTYPE is refused): only the five predefined entities and character references are expanded.
 */
export interface XmlElement {
  /** Local name (without the namespace prefix). */
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** The element's own text (not its children's), trimmed. */
  text: string;
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)));
    return ENTITIES[e] ?? m;
  });
}

export const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const local = (qname: string): string => qname.slice(qname.indexOf(':') + 1);

/** Parses a document; throws on what is not well-formed enough to read. */
export function parseXml(xml: string): XmlElement {
  if (xml.length > 2_000_000) throw new Error('XML too large');
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const top = stack[stack.length - 1]!;
    if (lt < 0) {
      top.text += decodeEntities(xml.slice(i));
      break;
    }
    if (lt > i) top.text += decodeEntities(xml.slice(i, lt));
    if (xml.startsWith('<?', lt)) {
      i = end(xml, '?>', lt);
    } else if (xml.startsWith('<!--', lt)) {
      i = end(xml, '-->', lt);
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const e = end(xml, ']]>', lt);
      top.text += xml.slice(lt + 9, e - 3);
      i = e;
    } else if (xml.startsWith('<!', lt)) {
      throw new Error('DOCTYPE and declarations are not accepted');
    } else if (xml.startsWith('</', lt)) {
      const e = end(xml, '>', lt);
      const name = local(xml.slice(lt + 2, e - 1).trim());
      const open = stack.pop();
      if (!open || open === root || open.name !== name) throw new Error(`unexpected </${name}>`);
      i = e;
    } else {
      const e = tagEnd(xml, lt);
      const body = xml.slice(lt + 1, e - 1);
      const selfClosing = body.endsWith('/');
      const inner = selfClosing ? body.slice(0, -1) : body;
      const m = /^([^\s/>]+)/.exec(inner);
      if (!m) throw new Error('bad tag');
      const attrs: Record<string, string> = {};
      for (const a of inner.slice(m[1]!.length).matchAll(/([^\s=]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) attrs[local(a[1]!)] = decodeEntities(a[3] ?? a[4] ?? '');
      const el: XmlElement = { name: local(m[1]!), attrs, children: [], text: '' };
      top.children.push(el);
      if (!selfClosing) stack.push(el);
      i = e;
    }
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  const trim = (el: XmlElement): void => {
    el.text = el.text.trim();
    el.children.forEach(trim);
  };
  trim(root);
  const doc = root.children[0];
  if (!doc || root.children.length > 1) throw new Error('not one root element');
  return doc;
}

function end(xml: string, token: string, from: number): number {
  const e = xml.indexOf(token, from);
  if (e < 0) throw new Error(`unterminated ${token}`);
  return e + token.length;
}

/** The index after the `>` closing a start tag, skipping `>` inside quoted attribute values. */
function tagEnd(xml: string, from: number): number {
  let q: string | null = null;
  for (let i = from + 1; i < xml.length; i++) {
    const c = xml[i];
    if (q) {
      if (c === q) q = null;
    } else if (c === '"' || c === "'") q = c;
    else if (c === '>') return i + 1;
  }
  throw new Error('unterminated tag');
}

/** The first descendant (depth first) with this local name along a path: `find(env, 'Body', 'GetProfilesResponse')`. */
export function find(el: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let cur = el;
  for (const name of path) {
    if (!cur) return undefined;
    cur = descendant(cur, name);
  }
  return cur;
}

function descendant(el: XmlElement, name: string): XmlElement | undefined {
  for (const c of el.children) {
    if (c.name === name) return c;
    const d = descendant(c, name);
    if (d) return d;
  }
  return undefined;
}

/** Direct children with this local name. */
export const childrenNamed = (el: XmlElement | undefined, name: string): XmlElement[] => el?.children.filter((c) => c.name === name) ?? [];

/** Every descendant with this local name. */
export function findAll(el: XmlElement | undefined, name: string): XmlElement[] {
  if (!el) return [];
  return el.children.flatMap((c) => (c.name === name ? [c, ...findAll(c, name)] : findAll(c, name)));
}

export const textOf = (el: XmlElement | undefined, ...path: string[]): string | undefined => find(el, ...path)?.text;
