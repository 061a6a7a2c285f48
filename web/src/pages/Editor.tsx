import type { PageProps } from '../App';

/** Placeholder until the page is built. */
export function EditorPage(_props: PageProps) {
  return <section className="page"><h1>Editor</h1></section>;
}
