import type { PageProps } from '../App';

/** Placeholder until the page is built. */
export function AdminPage(_props: PageProps) {
  return <section className="page"><h1>Admin</h1></section>;
}
