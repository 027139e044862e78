/**
 * The image drop zone of the Try It form, for float inputs with 3 channels (NCHW or NHWC). A dropped
 * or chosen image is decoded in the page (createImageBitmap: no network, nothing the CSP blocks),
 * drawn stretched to the model's height × width on a canvas (which is also the preview), and its RGB
 * pixels become the tensor with the chosen normalization (docs/server.md, "Try It").
 */
import type { TensorInput, TensorSpec } from '../../src/protocol/webview/tryIt';
import { h } from '../shared/dom';
import { type ImageLayout, NORMALIZATIONS, type Normalization, imageTensor } from './viewModel';

export interface ImageDropZone {
  element: HTMLElement;
  /** The tensor of the current image, or what the user still has to do. */
  tensor: () => TensorInput | string;
}

export function imageDropZone(spec: TensorSpec, layout: ImageLayout): ImageDropZone {
  const canvas = h('canvas', { class: 'ti-image-preview', width: layout.width, height: layout.height, 'data-testid': `tryit-image-${spec.name}` });
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  let pixels: Uint8ClampedArray | undefined;
  const status = h('span', { class: 'ti-hint' }, `Drop an image here or choose one; it is resized to ${layout.width}×${layout.height} (${layout.layout}).`);
  const picker = h('input', { type: 'file', accept: 'image/*', class: 'ti-image-file', 'aria-label': `${spec.name}: choose an image` });
  const norm = h(
    'select',
    { class: 'ti-image-norm', 'aria-label': `${spec.name}: normalization` },
    (Object.keys(NORMALIZATIONS) as Normalization[]).map((k) => h('option', { value: k }, NORMALIZATIONS[k])),
  );

  async function load(file: File | undefined): Promise<void> {
    if (!file || !ctx) return;
    try {
      const bitmap = await createImageBitmap(file);
      ctx.imageSmoothingEnabled = true;
      ctx.imageSmoothingQuality = 'high';
      ctx.clearRect(0, 0, layout.width, layout.height);
      ctx.drawImage(bitmap, 0, 0, layout.width, layout.height);
      bitmap.close();
      pixels = ctx.getImageData(0, 0, layout.width, layout.height).data;
      status.textContent = `${file.name}, resized to ${layout.width}×${layout.height}`;
    } catch (e) {
      pixels = undefined;
      status.textContent = `${file.name} is not an image this page can decode (${(e as Error).message})`;
    }
  }

  picker.addEventListener('change', () => void load(picker.files?.[0]));
  const zone = h(
    'div',
    { class: 'ti-image-zone', 'data-testid': `tryit-dropzone-${spec.name}` },
    canvas,
    // Visible label: the options alone ("0…255: x") do not say what they choose.
    h('div', { class: 'ti-image-side' }, status, picker, h('label', { class: 'ti-image-norm-label' }, 'Pixel values ', norm)),
  );
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('ti-drag');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('ti-drag'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('ti-drag');
    void load(e.dataTransfer?.files[0]);
  });

  return {
    element: zone,
    tensor: () => (pixels ? imageTensor(spec, layout, pixels, norm.value as Normalization) : `${spec.name}: drop or choose an image first`),
  };
}
