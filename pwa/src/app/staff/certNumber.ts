// The certificate number a court clerk scanned or typed. A certificate's QR holds its public
// verify link, `{PUBLIC_BASE_URL}/verify/{number}?c=…&s=…`; a typed number may be lower case.

/** The number, upper case without spaces, or "" when the text is a link to something else. */
export function certificateNumberFrom(raw: string): string {
  const text = raw.trim();
  let number = text;
  if (/^https?:\/\//i.test(text)) {
    try {
      const found = /\/verify\/([^/]+)\/?$/.exec(new URL(text).pathname);
      number = found ? decodeURIComponent(found[1]!) : "";
    } catch {
      number = "";
    }
  }
  return number.replace(/\s+/g, "").toUpperCase();
}
