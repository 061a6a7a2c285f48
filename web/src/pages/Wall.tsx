import type { PageProps } from '../App';

/** Placeholder until the page is built. */
export function WallPage(_props: PageProps) {
  return <section className="page"><h1>Wall</h1></section>;
}
