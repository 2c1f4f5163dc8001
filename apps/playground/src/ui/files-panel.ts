/**
 * Save/load in the browser (IndexedDB), downloads (safetensors, ONNX) and uploads of safetensors
 * files (from this page or from `recur train`, with the run's vocab.json when the file has none).
 */
import type { TrainerClient } from '../client.js';
import { metaFromSafetensors, parseVocabFile, readSafetensorsHeader } from '../model-meta.js';
import type { ModelMeta } from '../protocol.js';
import { deleteModel, listModels, loadModel, saveModel } from '../storage.js';
import { byId, download, guarded, h } from './dom.js';

export interface FilesPanelHost {
  client: TrainerClient;
  /** The model currently in the worker, or null. */
  meta(): ModelMeta | null;
  /** Called after a model was loaded into the worker. */
  loaded(meta: ModelMeta, trainable: boolean, source: string, parameters: number): void;
  /** Records the bytes of the last export for tests and tools (window.__recur). */
  exported(format: 'safetensors' | 'onnx', bytes: Uint8Array, fileName: string): void;
}

/** `maxLength` of a `recur train` config.json (0 = no limit), or undefined for any other JSON. */
function maxLengthOf(text: string): number | undefined {
  try {
    const o = JSON.parse(text) as { maxLength?: unknown; model?: unknown };
    if (typeof o.maxLength === 'number' && typeof o.model === 'object') return o.maxLength > 0 ? o.maxLength : 100_000;
  } catch { /* not JSON: reported by the vocabulary parser */ }
  return undefined;
}

export class FilesPanel {
  private readonly status = byId('files-status');
  private readonly list = byId<HTMLSelectElement>('saved-list');

  constructor(private readonly host: FilesPanelHost) {
    byId('save').addEventListener('click', () => void guarded('Saving failed', () => this.save()));
    byId('load-saved').addEventListener('click', () => void guarded('Loading failed', () => this.loadSaved()));
    byId('delete-saved').addEventListener('click', () => void guarded('Deleting failed', () => this.deleteSaved()));
    byId('dl-safetensors').addEventListener('click', () => void guarded('safetensors download failed', () => this.download('safetensors')));
    byId('dl-onnx').addEventListener('click', () => void guarded('ONNX export failed', () => this.download('onnx')));
    byId<HTMLInputElement>('upload-model').addEventListener('change', (e) => {
      const input = e.target as HTMLInputElement;
      const files = [...(input.files ?? [])];
      void guarded('Could not load that model', () => this.upload(files)).finally(() => { input.value = ''; });
    });
    void guarded('Saved models are unavailable', () => this.refreshList());
  }

  /** Enables the buttons that need a model. */
  setHasModel(has: boolean): void {
    for (const id of ['save', 'dl-safetensors', 'dl-onnx']) byId<HTMLButtonElement>(id).disabled = !has;
  }

  private async refreshList(): Promise<void> {
    const models = await listModels();
    this.list.replaceChildren(...models.map((m) => h('option', { value: m.name }, `${m.name} — ${m.parameters}, ${new Date(m.savedAt).toLocaleString()}`)));
    if (models.length === 0) this.list.append(h('option', { value: '' }, 'none saved yet'));
    byId<HTMLButtonElement>('load-saved').disabled = models.length === 0;
    byId<HTMLButtonElement>('delete-saved').disabled = models.length === 0;
  }

  private async save(): Promise<void> {
    const meta = this.host.meta();
    if (!meta) throw new Error('there is no model to save yet');
    const name = byId<HTMLInputElement>('save-name').value.trim();
    const { bytes } = await this.host.client.request({ type: 'export', format: 'safetensors' });
    await saveModel({ name, savedAt: new Date().toISOString(), meta, safetensors: bytes });
    await this.refreshList();
    this.list.value = name;
    this.status.textContent = `Saved "${name}" in this browser (${(bytes.length / 1024).toFixed(1)} KB).`;
  }

  private async loadSaved(): Promise<void> {
    const name = this.list.value;
    if (!name) throw new Error('choose a saved model first');
    const m = await loadModel(name);
    const bytes = m.safetensors.slice().buffer;
    const r = await this.host.client.request({ type: 'import', bytes, meta: m.meta }, [bytes]);
    this.host.loaded(r.meta, r.trainable, `"${name}" from this browser`, r.parameters);
    this.status.textContent = `Loaded "${name}".`;
  }

  private async deleteSaved(): Promise<void> {
    const name = this.list.value;
    if (!name) return;
    await deleteModel(name);
    await this.refreshList();
    this.status.textContent = `Deleted "${name}".`;
  }

  private async download(format: 'safetensors' | 'onnx'): Promise<void> {
    this.status.textContent = `Exporting ${format}…`;
    const { bytes, fileName } = await this.host.client.request({ type: 'export', format });
    this.host.exported(format, bytes, fileName);
    download(bytes, fileName);
    this.status.textContent = `Downloaded ${fileName} (${(bytes.length / 1024).toFixed(1)} KB).`;
  }

  private async upload(files: File[]): Promise<void> {
    const st = files.find((f) => f.name.endsWith('.safetensors'));
    if (!st) throw new Error(`choose a .safetensors file (got ${files.map((f) => f.name).join(', ') || 'nothing'})`);
    // A `recur train` run folder has vocab.json beside config.json: take the JSON that is a vocabulary.
    let vocab: string[] | undefined;
    const problems: string[] = [];
    let maxLen: number | undefined;
    for (const f of files.filter((x) => x.name.endsWith('.json'))) {
      const text = await f.text();
      const runConfig = maxLengthOf(text);
      if (runConfig !== undefined) {
        maxLen = runConfig;
        continue;
      }
      try {
        vocab ??= parseVocabFile(text, f.name);
      } catch (e) {
        problems.push(e instanceof Error ? e.message : String(e));
      }
    }
    const bytes = new Uint8Array(await st.arrayBuffer());
    const header = readSafetensorsHeader(bytes, st.name);
    if (!vocab && problems.length && !header.metadata['recur.vocab']) throw new Error(problems.join('; '));
    const meta = metaFromSafetensors(header, st.name, vocab);
    if (maxLen !== undefined) meta.maxLen = maxLen;
    const buf = bytes.buffer;
    const r = await this.host.client.request({ type: 'import', bytes: buf, meta }, [buf]);
    this.host.loaded(r.meta, r.trainable, st.name, r.parameters);
    this.status.textContent = `Loaded ${st.name}: ${r.meta.model.cell.toUpperCase()} ${r.meta.model.hiddenSize}×${r.meta.model.numLayers}${r.meta.model.bidirectional ? ' bidirectional' : ''}, ${r.parameters.toLocaleString('en-US')} parameters.`;
  }
}
