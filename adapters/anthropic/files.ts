import { type FilePart, SwitchyardError } from '../../src/index.js';
import type { WireRequestBlock, WireSource } from './wire.js';

const DATA_URL = /^data:([^;,]*)(?:;[^,]*)?;base64,(.*)$/s;
const HTTP_URL = /^https?:\/\//i;

/** Base64 of bytes, without relying on Node's `Buffer`. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000; // keep String.fromCharCode's argument list small
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/**
 * The wire source of a file: `https://` URLs by reference, `data:` URLs, base64 text and bytes
 * as base64. A data URL's own media type wins over a generic one such as `image/*`.
 */
export function fileSource(part: FilePart, where: string): { source: WireSource; mediaType: string } {
  const data = part.data;
  if (data instanceof Uint8Array) {
    return {
      source: { type: 'base64', media_type: part.mediaType, data: bytesToBase64(data) },
      mediaType: part.mediaType,
    };
  }
  const text = data instanceof URL ? data.href : data;
  const dataUrl = DATA_URL.exec(text);
  if (dataUrl) {
    const mediaType = dataUrl[1] && part.mediaType.endsWith('/*') ? dataUrl[1] : part.mediaType;
    return { source: { type: 'base64', media_type: mediaType, data: dataUrl[2] ?? '' }, mediaType };
  }
  if (text.startsWith('data:')) {
    throw new SwitchyardError(
      'invalid_request',
      `${where}.data: expected a base64 data URL, got a data URL without ';base64'`,
    );
  }
  if (HTTP_URL.test(text)) return { source: { type: 'url', url: text }, mediaType: part.mediaType };
  return { source: { type: 'base64', media_type: part.mediaType, data: text }, mediaType: part.mediaType };
}

/**
 * A file part as an `image` block (`image/*`) or a `document` block (`application/pdf`).
 * Other media types are rejected with `invalid_request`: the Messages API has no block for them.
 */
export function fileBlock(part: FilePart, where: string): WireRequestBlock {
  const { source, mediaType } = fileSource(part, where);
  if (mediaType.startsWith('image/')) return { type: 'image', source };
  if (mediaType === 'application/pdf') {
    return part.filename === undefined
      ? { type: 'document', source }
      : { type: 'document', source, title: part.filename };
  }
  throw new SwitchyardError(
    'invalid_request',
    `${where}.mediaType: expected an image/* type or application/pdf for Anthropic, got '${part.mediaType}'`,
  );
}
