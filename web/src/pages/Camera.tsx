import type { PageProps } from '../App';

/** Placeholder until the page is built. */
export function CameraPage(_props: PageProps) {
  return <section className="page"><h1>Camera</h1></section>;
}
