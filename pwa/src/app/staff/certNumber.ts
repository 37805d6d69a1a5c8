// The certificate number a court clerk scanned or typed. A certificate's QR holds its public
// verify link: `{base}/verify/{payload}`, the compact signed claim in base32 whose bytes 1-5 are
// the number (shared/schemas/certificate-qr.v2.schema.json), or, on certificates issued before
// it, `{base}/verify/{number}?c=…&s=…`. A typed number may be lower case.

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const PAYLOAD = /^[A-Z2-7]{157}$/;

/** `DD-{year}-{sequence}` from the first 6 bytes of a version-2 QR payload, or "". */
function numberOfPayload(payload: string): string {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of payload.slice(0, 10)) {
    buffer = (buffer << 5) | BASE32.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
      buffer &= (1 << bits) - 1;
    }
  }
  const [format, y1, y2, s1, s2, s3] = bytes as [number, number, number, number, number, number];
  if (format !== 2) return "";
  const seq = (s1 << 16) | (s2 << 8) | s3;
  return `DD-${(y1 << 8) | y2}-${String(seq).padStart(6, "0")}`;
}

/** The number, upper case without spaces, or "" when the text is a link to something else. */
export function certificateNumberFrom(raw: string): string {
  const text = raw.trim();
  let number = text;
  if (/^https?:\/\//i.test(text)) {
    try {
      const found = /\/verify\/([^/]+)\/?$/i.exec(new URL(text).pathname);
      number = found ? decodeURIComponent(found[1]!) : "";
    } catch {
      number = "";
    }
    if (PAYLOAD.test(number.toUpperCase())) number = numberOfPayload(number.toUpperCase());
  }
  return number.replace(/\s+/g, "").toUpperCase();
}
