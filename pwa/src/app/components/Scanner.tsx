// Scans a QR code; the caller offers typing the code instead (a venue code for check-ins, a
// certificate number for 核销). Inside WeChat: WeChat's own scanner (wx.scanQRCode, through the
// JS-SDK loaded now); elsewhere, or if the JS-SDK cannot be used: the camera, read by
// BarcodeDetector where the browser has it, else by jsQR. Both ways are fetched when the scanner
// opens (wechatScan.ts, qrDecoder.ts: chunks of their own, precached), not on first load.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api/client";
import type { WechatJsapiConfig } from "../api/types";
import { t } from "../i18n";
import { inWechat } from "../wechatBridge";

/** Whether a scan button makes sense here: WeChat's scanner, or a camera. */
export const canScan = (): boolean => inWechat() || !!navigator.mediaDevices?.getUserMedia;

const jsapiConfig = (url: string): Promise<WechatJsapiConfig> =>
  api<WechatJsapiConfig>("GET", `/wechat/jsapi-config?url=${encodeURIComponent(url)}`);

type Mode = "wechat" | "camera" | "failed";

export function Scanner(props: { onCode: (raw: string) => void; onClose: () => void; failedText?: string }) {
  const { onCode, onClose } = props;
  const video = useRef<HTMLVideoElement>(null);
  const [mode, setMode] = useState<Mode>(inWechat() ? "wechat" : "camera");
  const [decoder, setDecoder] = useState("");

  useEffect(() => {
    if (mode !== "wechat") return;
    let stopped = false;
    import("../wechatScan").then((m) => m.scanInWechat(jsapiConfig)).then(
      (raw) => {
        if (stopped) return;
        if (raw === null) onClose();
        else onCode(raw);
      },
      () => !stopped && setMode("mediaDevices" in navigator ? "camera" : "failed"),
    );
    return () => {
      stopped = true;
    };
  }, [mode]);

  useEffect(() => {
    if (mode !== "camera") return;
    let stream: MediaStream | null = null;
    let timer = 0;
    let stopped = false;
    const start = async (): Promise<void> => {
      const [{ decode, which }, s] = await Promise.all([
        import("./qrDecoder").then((m) => m.qrDecoder()),
        navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }),
      ]);
      stream = s;
      if (stopped || !video.current) return;
      setDecoder(which);
      video.current.srcObject = s;
      await video.current.play();
      const tick = async (): Promise<void> => {
        if (stopped || !video.current) return;
        const found = await decode(video.current).catch(() => null);
        if (stopped) return;
        if (found) onCode(found);
        else timer = window.setTimeout(() => void tick(), 250);
      };
      void tick();
    };
    start().catch(() => !stopped && setMode("failed"));
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [mode]);

  return (
    <div class="scanner" data-testid="scanner" data-mode={mode} data-decoder={decoder}>
      {mode === "failed" && <p role="alert">{props.failedText ?? t("wallet.cameraFailed")}</p>}
      {mode === "wechat" && <p role="status">{t("scan.wechat")}</p>}
      {mode === "camera" && <video ref={video} muted playsInline aria-label={t("wallet.cameraView")} />}
      <button class="button secondary" type="button" onClick={onClose}>
        {t("action.close")}
      </button>
    </div>
  );
}
