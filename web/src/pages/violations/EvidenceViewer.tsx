/**
 * The evidence of one violation for the reviewer: for each signed package (evidence record of kind `manifest`)
 * the three stills and the plate close-up (click or Enter to enlarge), the composite notice picture, the clip,
 * what the package itself records (rule, place, measurements), the manifest's SHA-256 checked against the
 * database record, the signature's key, and the package as a .tar download. Other evidence items are listed
 * with a download link. Files come through the audited evidence routes (src/server/routes/evidence.ts).
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ViolationDetail } from '../../api';
import { useI18n, useDict } from '../../i18n';
import { Lightbox, type Picture } from './Lightbox';
import { loadPackage, type Loaded } from './load';
import { fileUrl, packageUrl, type EvidencePackage } from './package';
import { WORDS, type Word } from './words';
import './evidence.css';

type EvidenceRecord = ViolationDetail['evidence'][number];

export default function EvidenceViewer({ violation }: { violation: ViolationDetail }) {
  const w = useDict(WORDS);
  if (violation.evidence.length === 0) return <p className="muted" data-testid="evidence-none">{w('noEvidence')}</p>;
  const packages = violation.evidence.filter((e) => e.kind === 'manifest');
  const others = violation.evidence.filter((e) => e.kind !== 'manifest');
  return (<>
    {packages.map((e) => <PackageView key={e.id} violation={violation} record={e} />)}
    {others.length > 0 && (<>
      {packages.length > 0 && <h4 className="ev-sub">{w('otherItems')}</h4>}
      <ul className="evidence">
        {others.map((e) => (
          <li key={e.id}><b>{e.kind}</b> <code>{e.path}</code> <a href={packageUrl(violation.id, e.id)} download>{w('downloadFile')}</a></li>
        ))}
      </ul>
    </>)}
  </>);
}

function PackageView({ violation, record }: { violation: ViolationDetail; record: EvidenceRecord }) {
  const w = useDict(WORDS);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  useEffect(() => {
    setLoaded({ state: 'loading' });
    const ac = new AbortController();
    loadPackage(violation.id, record.id, record.sha256, ac.signal).then(setLoaded, (e: unknown) => {
      if (!ac.signal.aborted) setLoaded({ state: 'error', message: (e as Error).message });
    });
    return () => ac.abort();
  }, [violation.id, record.id, record.sha256]);
  const download = <a className="ev-download" href={packageUrl(violation.id, record.id)} download data-testid="evidence-download">⤓ {w('download')}</a>;
  if (loaded.state === 'loading') return <p className="muted" role="status">{w('loading')}</p>;
  if (loaded.state !== 'ready') {
    const why = loaded.state === 'missing' ? w('packageMissing') : loaded.state === 'invalid' ? w('badManifest') : `${w('loadFailed')}: ${loaded.message}`;
    return <div className="ev-viewer"><p className="notice" role="alert" data-testid="evidence-problem">{why}</p><code className="ev-path">{record.path}</code></div>;
  }
  return <Package violation={violation} record={record} loaded={loaded} download={download} />;
}

type Ready = Extract<Loaded, { state: 'ready' }>;

function Package({ violation, record, loaded, download }: { violation: ViolationDetail; record: EvidenceRecord; loaded: Ready; download: ReactNode }) {
  const w = useDict(WORDS);
  const { fmtTime, kind } = useI18n();
  const { pkg, manifestSha256, integrity, signature } = loaded;
  const [broken, setBroken] = useState<ReadonlySet<string>>(new Set());
  const [open, setOpen] = useState<number | null>(null);
  const [clipFailed, setClipFailed] = useState<'missing' | 'unplayable' | null>(null);
  const url = (file: string) => fileUrl(violation.id, record.id, file);
  const subject = `${kind(violation.kind)} — ${violation.plateDisplay ?? violation.id}`;
  const pictures = useMemo(() => picturesOf(pkg, w, fmtTime, subject, url), [pkg, subject]); // deps deliberately partial: only these re-run it
  const onBroken = (file: string) => setBroken((s) => new Set(s).add(file));
  const thumb = (p: Picture & { file: string }, i: number, testId: string, cls = '') => (
    <figure key={p.file} className={`ev-thumb ${cls}`}>
      {broken.has(p.file) ? (
        <div className="ev-missing" role="img" aria-label={`${w('fileMissing')}: ${p.file}`}>{w('fileMissing')}<br /><code>{p.file}</code></div>
      ) : (
        <button type="button" onClick={() => setOpen(i)} aria-label={`${w('enlarge')}: ${p.caption}`} aria-haspopup="dialog">
          <img src={p.src} alt={p.alt} data-testid={testId} onError={() => onBroken(p.file)} />
        </button>
      )}
      <figcaption>{p.caption}</figcaption>
    </figure>
  );
  const sha = manifestSha256 ?? record.sha256;
  const composite = pictures.findIndex((p) => p.file === pkg.composite);
  return (
    <div className="ev-viewer" data-testid="evidence-viewer">
      <div className="ev-head">
        {download}
        <span className="muted">{pkg.manifest.files.length + (signature ? 2 : 1)} {w('files')}</span>
      </div>
      <dl className="ev-seal">
        <div><dt>{w('manifestSha')}</dt><dd><code title={sha}>{sha ? `${sha.slice(0, 16)}…` : '—'}</code>{' '}
          <span className={`ev-check ${integrity}`} data-testid="evidence-integrity">{w(integrity)}</span></dd></div>
        <div><dt>{signature ? w('signed') : w('unsigned')}</dt>
          <dd data-testid="evidence-signature">{signature ? <>{signature.algorithm}, {w('key')} <code>{signature.keyId}</code></> : '—'}
            <span className="muted ev-hint">{w('verifyHint')}</span></dd></div>
      </dl>

      <h4 className="ev-sub">{w('stills')}</h4>
      <div className="ev-stills">
        {pictures.map((p, i) => (p.file === pkg.composite ? null : thumb(p, i, p.file === pkg.plate?.file ? 'evidence-plate' : 'evidence-still', p.file === pkg.plate?.file ? 'closeup' : '')))}
      </div>

      <div className="ev-media">
        {composite >= 0 && (
          <section aria-label={w('composite')}>
            <h4 className="ev-sub">{w('composite')}</h4>
            {thumb(pictures[composite]!, composite, 'evidence-composite', 'wide')}
          </section>
        )}
        <section aria-label={w('clip')}>
          <h4 className="ev-sub">{w('clip')}{pkg.clip?.durationSec ? ` (${pkg.clip.durationSec.toFixed(1)} s)` : ''}</h4>
          {!pkg.clip ? <p className="muted">{w('noClip')}</p> : clipFailed === 'missing' ? (
            <p className="notice" role="alert" data-testid="evidence-clip-problem">{w('fileMissing')}: <code>{pkg.clip.file}</code></p>
          ) : clipFailed ? (
            <p className="notice" role="alert" data-testid="evidence-clip-problem">{w('clipUnsupported')} <a href={url(pkg.clip.file)} download>{w('downloadFile')} {pkg.clip.file}</a></p>
          ) : (
            <video className="ev-clip" controls preload="metadata" playsInline src={url(pkg.clip.file)} data-testid="evidence-clip"
              aria-label={`${w('clip')}: ${subject}`} onError={() => void whyUnplayable(url(pkg.clip!.file)).then(setClipFailed)}>
              <a href={url(pkg.clip.file)} download>{w('downloadFile')} {pkg.clip.file}</a>
            </video>
          )}
        </section>
      </div>

      <Facts pkg={pkg} fmtTime={fmtTime} />
      <Lightbox pictures={pictures} index={open} onIndex={setOpen} onClose={() => setOpen(null)} />
    </div>
  );
}

/** A clip the browser did not play: missing on the server (404), or there but in a form it cannot play. */
async function whyUnplayable(src: string): Promise<'missing' | 'unplayable'> {
  const ac = new AbortController();
  try {
    const res = await fetch(src, { credentials: 'same-origin', signal: ac.signal });
    return res.status === 404 ? 'missing' : 'unplayable';
  } catch {
    return 'unplayable';
  } finally {
    ac.abort(); // the answer's status is all we need, not the video
  }
}

function picturesOf(pkg: EvidencePackage, w: (k: Word) => string, fmtTime: (ms: number) => string, subject: string, url: (f: string) => string): Array<Picture & { file: string }> {
  const out: Array<Picture & { file: string }> = pkg.stills.map((s, i) => {
    const caption = `${i + 1}. ${w(s.role)}${s.atMs === null ? '' : ` · ${fmtTime(s.atMs)}`}`;
    return { file: s.file, src: url(s.file), caption, alt: `${caption} — ${subject}` };
  });
  if (pkg.plate) {
    const caption = w(pkg.plate.vehicle ? 'vehicleCloseUp' : 'plateCloseUp');
    out.push({ file: pkg.plate.file, src: url(pkg.plate.file), caption, alt: `${caption} — ${subject}` });
  }
  if (pkg.composite) out.push({ file: pkg.composite, src: url(pkg.composite), caption: w('composite'), alt: `${w('composite')} — ${subject}` });
  return out;
}

function Facts({ pkg, fmtTime }: { pkg: EvidencePackage; fmtTime: (ms: number) => string }) {
  const w = useDict(WORDS);
  const f = pkg.facts;
  const rows: Array<readonly [string, string]> = [
    ...(f.ruleId ? [[w('rule'), f.ruleId] as const] : []),
    ...(f.atMs !== null ? [[w('time'), fmtTime(f.atMs)] as const] : []),
    ...(f.camera || f.address ? [[w('place'), [f.address, f.camera].filter(Boolean).join(' — ')] as const] : []),
    ...f.measurements,
  ];
  if (rows.length === 0) return null;
  return (<>
    <h4 className="ev-sub">{w('signedFacts')}</h4>
    <dl className="measure" data-testid="evidence-facts">{rows.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
  </>);
}
