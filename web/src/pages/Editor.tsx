/**
 * Camera set-up (`#/editor/<cameraId>`, cameras.write): draw and edit counting/stop lines, zones, lanes (allowed
 * classes, travel direction) and ground calibration points on the camera's snapshot, and the rules' parameters.
 * Saved with PATCH /api/cameras/:id, which checks everything with the config schema and restarts only this camera;
 * the server's problems are shown next to the fields they concern.
 */
import { useCallback, useEffect, useState } from 'react';
import type { PageProps } from '../App';
import { api, ApiError, get, snapshotUrl, type Camera, type CameraDetail } from '../api';
import { useDict } from '../i18n';
import { Canvas, type Tool } from './editor/Canvas';
import { parseProblems, patchBody, type Geometry, type Handle, type Problem } from './editor/model';
import { PlatesSetting } from './editor/PlatesSetting';
import { ViewSetting } from './editor/ViewSetting';
import { Problems } from './editor/Problems';
import { RulesPanel } from './editor/RulesPanel';
import { ShapeList } from './editor/ShapeList';
import { WORDS, type Word } from './editor/words';
import './editor/editor.css';

const TOOLS: ReadonlyArray<{ id: Tool; hint: Word }> = [
  { id: 'select', hint: 'hintSelect' }, { id: 'line', hint: 'hintLine' }, { id: 'zone', hint: 'hintZone' }, { id: 'lane', hint: 'hintLane' }, { id: 'cal', hint: 'hintCal' },
];

/**
 * The editor's model of a camera's geometry. The API serves it as the config file writes it (JSON in the contract: the
 * config schema is its type, and it checks every save), which is the shape model.ts describes.
 */
const configShape = <T,>(v: unknown): T => v as T;
const geometryOf = (c: CameraDetail): Geometry => ({
  lines: configShape(c.lines), zones: configShape(c.zones), lanes: configShape(c.lanes), calibration: configShape(c.calibration), rules: configShape(c.rules), plates: c.plates,
  view: c.view,
});

function CameraChooser() {
  const w = useDict(WORDS);
  const [cams, setCams] = useState<Camera[]>([]);
  useEffect(() => {
    get<{ items: Camera[] }>('/api/cameras').then((r) => setCams(r.items)).catch(() => undefined);
  }, []);
  return (
    <section className="page"><h1>{w('title')}</h1><p>{w('noCamera')}</p>
      <ul>{cams.map((c) => <li key={c.id}><a href={`#/editor/${encodeURIComponent(c.id)}`}>{c.name}</a> <span className="muted">{c.id}</span></li>)}</ul>
    </section>
  );
}

export function EditorPage({ params }: PageProps) {
  const cameraId = params[0];
  return cameraId ? <CameraEditor key={cameraId} cameraId={cameraId} /> : <CameraChooser />;
}

function CameraEditor({ cameraId }: { cameraId: string }) {
  const w = useDict(WORDS);
  const [camera, setCamera] = useState<CameraDetail | null>(null);
  const [g, setG] = useState<Geometry | null>(null);
  const [tool, setTool] = useState<Tool>('select');
  const [selected, setSelected] = useState<Handle | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [state, setState] = useState<{ kind: 'idle' | 'dirty' | 'saving' | 'saved' | 'error'; text?: string }>({ kind: 'idle' });
  const [bust] = useState(() => Date.now());

  const load = useCallback(() => {
    get<CameraDetail>(`/api/cameras/${encodeURIComponent(cameraId)}`)
      .then((c) => {
        setCamera(c);
        setG(geometryOf(c));
        setSelected(null);
      })
      .catch((e: unknown) => setState({ kind: 'error', text: `${w('failed')}: ${(e as Error).message}` }));
  }, [cameraId]); // deps deliberately partial: only these re-run it
  useEffect(load, [load]);

  const change = useCallback((next: Geometry) => {
    setG(next);
    setState({ kind: 'dirty' });
  }, []);
  const pick = useCallback((h: Handle) => {
    setSelected(h);
    setTool('select');
    document.querySelector<SVGSVGElement>('[data-testid=editor-canvas]')?.focus();
  }, []);

  const save = async (): Promise<void> => {
    if (!g) return;
    setState({ kind: 'saving' });
    try {
      await api('PATCH', `/api/cameras/${encodeURIComponent(cameraId)}`, patchBody(g));
      setProblems([]);
      setState({ kind: 'saved' });
      load();
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) {
        setProblems(parseProblems(e.message));
        setState({ kind: 'error', text: w('invalid') });
      } else setState({ kind: 'error', text: (e as Error).message });
    }
  };

  if (!camera || !g) return <section className="page"><h1>{w('title')}</h1><p className={state.kind === 'error' ? 'error' : 'muted'}>{state.text ?? w('loading')}</p></section>;
  const hint = TOOLS.find((t) => t.id === tool)?.hint ?? 'hintSelect';
  return (
    <section className="page editor" aria-labelledby="ed-title">
      <div className="toolbar">
        <h1 id="ed-title">{w('title')}: {camera.name}</h1>
        <div className="segmented" role="group" aria-label={w('tools')}>
          {TOOLS.map((t) => <button key={t.id} type="button" aria-pressed={tool === t.id} onClick={() => setTool(t.id)}>{w(t.id)}</button>)}
        </div>
        <button type="button" className="primary" onClick={() => void save()} disabled={state.kind === 'saving'}>{state.kind === 'saving' ? w('saving') : w('save')}</button>
        <button type="button" className="ghost" onClick={load}>{w('reload')}</button>
      </div>
      {camera.managedBy === 'config' && <p className="notice" role="note" data-testid="config-managed">{w('configManaged')}</p>}
      <p className="muted hint" aria-live="polite">{w(hint)}</p>
      <div role="status" data-testid="editor-status" data-state={state.kind}>
        {state.kind === 'saved' && <p className="notice saved">{w('saved')}</p>}
        {state.kind === 'dirty' && <p className="muted">{w('unsaved')}</p>}
        {state.kind === 'error' && <p className="error">{state.text}</p>}
      </div>
      <Problems problems={problems.filter((p) => !/^(lines|zones|lanes|calibration|rules|plates|view)(\.|$)/.test(p.path))} at="" />
      <div className="editor-split">
        <Canvas geometry={g} onChange={change} tool={tool} onToolDone={() => setTool('select')} selected={selected} onSelect={setSelected}
          src={snapshotUrl(cameraId, bust)} label={w('canvas')} noPicture={w('noPicture')} />
        <div className="editor-panel">
          <PlatesSetting g={g} onChange={change} problems={problems} />
          <ViewSetting g={g} onChange={change} problems={problems} />
          <ShapeList g={g} onChange={change} selected={selected} onPick={pick} problems={problems} />
          <RulesPanel g={g} onChange={change} problems={problems} />
        </div>
      </div>
    </section>
  );
}
