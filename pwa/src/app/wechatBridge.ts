// WeChat Pay's JSAPI inside WeChat's browser: hand the order's signed `pay_request` to
// WeixinJSBridge.invoke("getBrandWCPayRequest", …). The bridge exists only in WeChat, and only
// once it is ready (the `WeixinJSBridgeReady` event), so wait for it a little.
// Scanning inside WeChat (the JS-SDK) is in wechatScan.ts, loaded when a scanner opens.
interface WeixinJSBridge {
  invoke(name: string, args: Record<string, string>, done: (res: { err_msg?: string }) => void): void;
}
declare global {
  interface Window {
    WeixinJSBridge?: WeixinJSBridge;
  }
}

export type Outcome = "ok" | "cancel" | "fail" | "no-bridge";

const READY_MS = 3000;

function bridge(): Promise<WeixinJSBridge | null> {
  if (window.WeixinJSBridge) return Promise.resolve(window.WeixinJSBridge);
  return new Promise((resolve) => {
    const ready = () => {
      clearTimeout(timer);
      resolve(window.WeixinJSBridge ?? null);
    };
    const timer = setTimeout(() => {
      document.removeEventListener("WeixinJSBridgeReady", ready);
      resolve(null);
    }, READY_MS);
    document.addEventListener("WeixinJSBridgeReady", ready, { once: true });
  });
}

/** Ask WeChat to pay; "ok" means WeChat says paid (the order still waits for WeChat Pay's word). */
export async function payInWechat(payRequest: Record<string, string>): Promise<Outcome> {
  const found = await bridge();
  if (!found) return "no-bridge";
  return new Promise((resolve) => {
    found.invoke("getBrandWCPayRequest", payRequest, (res) => {
      const msg = res?.err_msg ?? "";
      resolve(msg.endsWith(":ok") ? "ok" : msg.endsWith(":cancel") ? "cancel" : "fail");
    });
  });
}

/** WeChat's in-app browser (Android and iOS both say MicroMessenger). */
export const inWechat = (): boolean => /MicroMessenger/i.test(navigator.userAgent);
