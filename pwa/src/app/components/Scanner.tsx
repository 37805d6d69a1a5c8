// Scans a QR with the camera through BarcodeDetector; the caller offers typing the code instead
// (a venue code for check-ins, a certificate number for 核销).
import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../i18n";

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
type DetectorClass = new (options: { formats: string[] }) => Detector;

export const canScan = (): boolean =>
  "BarcodeDetector" in globalThis && !!navigator.mediaDevices?.getUserMedia;

export function Scanner(props: { onCode: (raw: string) => void; onClose: () => void; failedText?: string }) {
  const { onCode, onClose } = props;
  const video = useRef<HTMLVideoElement>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let timer = 0;
    let stopped = false;
    const Barcode = (globalThis as unknown as { BarcodeDetector: DetectorClass }).BarcodeDetector;
    const detector = new Barcode({ formats: ["qr_code"] });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" } })
      .then(async (s) => {
        stream = s;
        if (stopped || !video.current) return;
        video.current.srcObject = s;
        await video.current.play();
        const tick = async (): Promise<void> => {
          if (stopped || !video.current) return;
          const found = await detector.detect(video.current).catch(() => []);
          if (found[0]) onCode(found[0].rawValue);
          else timer = window.setTimeout(() => void tick(), 250);
        };
        void tick();
      })
      .catch(() => setFailed(true));
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, []);

  return (
    <div class="scanner">
      {failed ? (
        <p role="alert">{props.failedText ?? t("wallet.cameraFailed")}</p>
      ) : (
        <video ref={video} muted playsInline aria-label={t("wallet.cameraView")} />
      )}
      <button class="button secondary" type="button" onClick={onClose}>
        {t("action.close")}
      </button>
    </div>
  );
}
