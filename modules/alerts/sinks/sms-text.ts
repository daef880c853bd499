// The GSM 03.38 basic character set, and the extension table (each counts as two).
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';
const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

/** How an SMS body is encoded and how many segments it takes. */
export interface SmsLength {
  readonly encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  readonly units: number;
  readonly segments: number;
}

/** Whether every character of `text` is in the GSM-7 alphabet. */
export const isGsm = (text: string): boolean => [...text].every((c) => BASIC.has(c) || EXTENDED.has(c));

/** Encoding, length and segments of `text`: 160 GSM-7 / 70 UCS-2 in one segment, 153 / 67 per segment beyond. */
export function smsLength(text: string): SmsLength {
  if (isGsm(text)) {
    const units = [...text].reduce((n, c) => n + (EXTENDED.has(c) ? 2 : 1), 0);
    return { encoding: 'GSM-7', units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
  }
  const units = text.length;
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** `text` cut (with `...`) so that it fits in `maxSegments` segments. */
export function fitSms(text: string, maxSegments: number): string {
  if (smsLength(text).segments <= maxSegments) return text;
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (smsLength(`${chars.slice(0, mid).join('')}...`).segments <= maxSegments) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join('').trimEnd()}...`;
}
