/** The server's validation problems at one place of the form (shown next to the field they concern). */
import { problemsAt, type Problem } from './model';

export function Problems({ problems, at, exact = false }: { problems: readonly Problem[]; at: string; exact?: boolean }) {
  const mine = at === '' ? problems : exact ? problems.filter((p) => p.path === at) : problemsAt(problems, at);
  if (mine.length === 0) return null;
  return (
    <ul className="problems" role="alert" data-path={at}>
      {mine.map((p, i) => <li key={i}><code>{p.path}</code> {p.message}</li>)}
    </ul>
  );
}
