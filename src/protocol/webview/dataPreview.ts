/**
 * The data preview panel's message contract (table, gallery, profile, drift, snapshot diff),
 * imported by the webview and by the extension host (src/extension/data/preview).
 * DOM-free and vscode-free. Payloads are the backend's types from src/protocol/data.ts.
 */
import type { SnapshotDiff, TableDrift, TablePageResult, TableProfile } from '../data';
import { type NoPayload, type Validators, isArrayOf, isFiniteNumber, isNonEmptyString, isRecord, isString, noPayload } from '../../shared/messages';

export const DATA_PREVIEW_VIEW_TYPE = 'mlwb.dataPreview';

/** Rows per table page: the host sends the first page with the init, the page asks for the rest. */
export const PAGE_SIZE = 200;

export type PreviewMode = 'table' | 'profile' | 'gallery' | 'drift' | 'diff';
export const PREVIEW_MODES: readonly PreviewMode[] = ['table', 'profile', 'gallery', 'drift', 'diff'];

/** What a panel shows; put in the page by the host and kept in webview state for restore. */
export interface DataPreviewInit {
  folderUri: string;
  mode: PreviewMode;
  title: string;
  /** table, profile, gallery: a snapshot's file (`snapshot` + path in it) or a workspace path. */
  source?: { snapshot?: string; path: string };
  /** drift, diff: snapshot ids (A is the reference); drift also `path` (+ `pathB`). */
  a?: string;
  b?: string;
  path?: string;
  pathB?: string;
}

/** The backend's own shapes (src/protocol/data.ts), as types: nothing of core is bundled. */
export type PageData = TablePageResult;
export type JsonCell = PageData['rows'][number][number];
export type ProfileData = TableProfile;
export type ColumnProfileData = TableProfile['columns'][number];
export type DriftData = TableDrift;
export type ColumnDriftData = TableDrift['columns'][number];
export type DiffData = SnapshotDiff;

export interface GalleryData {
  name: string;
  offset: number;
  total: number;
  /** `uri` is a webview URI of the image. */
  items: { path: string; size: number; uri: string }[];
}

/** Labels for the two snapshots of a drift or diff. */
export interface PairLabels {
  a: string;
  b: string;
}

/** Host → webview. */
export type ToDataPreview = {
  page: { page: PageData };
  profile: { profile: ProfileData };
  drift: { drift: DriftData; labels: PairLabels; path: string };
  diff: { diff: DiffData; labels: PairLabels };
  gallery: { gallery: GalleryData };
  /** Long work under way (profile, drift of a big table). */
  loading: { message: string };
  /** Could not load (malformed CSV/Parquet, missing object…): shown in place of the content. */
  error: { message: string };
};

/** Webview → host. */
export type FromDataPreview = {
  ready: NoPayload;
  loadPage: { offset: number; limit: number };
  loadGallery: { offset: number; limit: number };
  /** Switch a table panel between rows and the column profile. */
  showMode: { mode: PreviewMode };
  /** Preview one file of a diff (in snapshot B, or A when removed). */
  openDiffFile: { path: string };
};

const isCount = (v: unknown): v is number => isFiniteNumber(v) && v >= 0 && Number.isInteger(v);

export const fromDataPreviewValidators: Validators<FromDataPreview> = {
  ready: noPayload,
  loadPage: (m) => isCount(m['offset']) && isCount(m['limit']) && (m['limit'] as number) > 0,
  loadGallery: (m) => isCount(m['offset']) && isCount(m['limit']) && (m['limit'] as number) > 0,
  showMode: (m) => (PREVIEW_MODES as readonly unknown[]).includes(m['mode']),
  openDiffFile: (m) => isNonEmptyString(m['path']),
};

export const toDataPreviewValidators: Validators<ToDataPreview> = {
  page: (m) => isRecord(m['page']) && isArrayOf(m['page']['columns'], isString) && Array.isArray(m['page']['rows']) && isCount(m['page']['offset']),
  profile: (m) => isRecord(m['profile']) && Array.isArray(m['profile']['columns']),
  drift: (m) => isRecord(m['drift']) && Array.isArray(m['drift']['columns']) && isRecord(m['labels']) && isString(m['path']),
  diff: (m) => isRecord(m['diff']) && Array.isArray(m['diff']['files']) && isRecord(m['labels']),
  gallery: (m) => isRecord(m['gallery']) && Array.isArray(m['gallery']['items']) && isCount(m['gallery']['total']),
  loading: (m) => isString(m['message']),
  error: (m) => isString(m['message']),
};

export interface DataPreviewState {
  init: DataPreviewInit;
}

export function isDataPreviewInit(v: unknown): v is DataPreviewInit {
  if (!isRecord(v) || !isNonEmptyString(v['folderUri']) || !isString(v['title'])) return false;
  if (!(PREVIEW_MODES as readonly unknown[]).includes(v['mode'])) return false;
  const src = v['source'];
  if (src !== undefined && !(isRecord(src) && isString(src['path']) && (src['snapshot'] === undefined || isNonEmptyString(src['snapshot'])))) return false;
  for (const k of ['a', 'b', 'path', 'pathB']) if (v[k] !== undefined && !isString(v[k])) return false;
  const mode = v['mode'] as PreviewMode;
  if ((mode === 'table' || mode === 'profile' || mode === 'gallery') && src === undefined) return false;
  if ((mode === 'drift' || mode === 'diff') && !(isNonEmptyString(v['a']) && isNonEmptyString(v['b']))) return false;
  if (mode === 'drift' && !isString(v['path'])) return false;
  return true;
}

export function isDataPreviewState(v: unknown): v is DataPreviewState {
  return isRecord(v) && isDataPreviewInit(v['init']);
}
