import type { PageProps } from '../App';

/** Placeholder until the page is built. */
export function DashboardPage(_props: PageProps) {
  return <section className="page"><h1>Dashboard</h1></section>;
}
