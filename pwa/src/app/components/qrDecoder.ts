// Reading a QR code from a camera frame or an image: the browser's BarcodeDetector where it has
// one (Chrome on Android, macOS, ChromeOS), else jsQR, a plain-JS decoder fetched only when a
// scanner first opens (its own chunk, precached by the service worker, so it works offline and
// needs no CDN). docs/pwa.md says why jsQR.
type Source = HTMLVideoElement | HTMLImageElement | HTMLCanvasElement | ImageBitmap;
export type Decode = (source: Source) => Promise<string | null>;

interface Detector {
  detect(source: Source): Promise<{ rawValue: string }[]>;
}
interface DetectorClass {
  new (options: { formats: string[] }): Detector;
  getSupportedFormats?: () => Promise<string[]>;
}

const MAX_SIDE = 720; // px: a QR held up to a phone's camera is found at this size, faster

async function native(): Promise<Decode | null> {
  const Barcode = (globalThis as unknown as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (!Barcode) return null;
  try {
    const formats = (await Barcode.getSupportedFormats?.()) ?? ["qr_code"];
    if (!formats.includes("qr_code")) return null;
    const detector = new Barcode({ formats: ["qr_code"] });
    return async (source) => (await detector.detect(source).catch(() => []))[0]?.rawValue ?? null;
  } catch {
    return null;
  }
}

function size(source: Source): [number, number] {
  if (source instanceof HTMLVideoElement) return [source.videoWidth, source.videoHeight];
  if (source instanceof HTMLImageElement) return [source.naturalWidth, source.naturalHeight];
  return [source.width, source.height];
}

async function javascript(): Promise<Decode> {
  const { default: jsQR } = await import("jsqr");
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  return async (source) => {
    const [w, h] = size(source);
    if (!w || !h) return null;
    const scale = Math.min(1, MAX_SIDE / Math.max(w, h));
    canvas.width = Math.round(w * scale);
    canvas.height = Math.round(h * scale);
    ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(data, canvas.width, canvas.height, { inversionAttempts: "dontInvert" })?.data ?? null;
  };
}

/** The best decoder this browser has; `which` says which one (shown to tests, not to people). */
export async function qrDecoder(): Promise<{ decode: Decode; which: "native" | "jsqr" }> {
  const found = await native();
  return found ? { decode: found, which: "native" } : { decode: await javascript(), which: "jsqr" };
}
