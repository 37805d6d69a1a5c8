// Scanning inside WeChat's browser: WeChat's JS-SDK (jweixin), loaded only when a scanner opens
// (Scanner.tsx imports this module then), configured with the signature our server makes for
// this page (GET /wechat/jsapi-config), then wx.scanQRCode with needResult: 1.
import type { WechatJsapiConfig } from "./api/types";

/** Asks our server for the signed config of a page URL (the caller passes the API client, so
 * that this chunk shares nothing with the first-load one). */
export type ConfigFor = (url: string) => Promise<WechatJsapiConfig>;

interface WxScanResult {
  resultStr?: string;
  errMsg?: string;
}
interface Wx {
  config(c: {
    debug: boolean;
    appId: string;
    timestamp: number;
    nonceStr: string;
    signature: string;
    jsApiList: string[];
  }): void;
  ready(done: () => void): void;
  error(failed: (res: { errMsg?: string }) => void): void;
  scanQRCode(o: {
    needResult: 0 | 1;
    scanType: string[];
    success: (res: WxScanResult) => void;
    fail: (res: WxScanResult) => void;
    cancel?: (res: WxScanResult) => void;
  }): void;
}
declare global {
  interface Window {
    wx?: Wx;
  }
}

export const JSSDK_URL = "https://res.wx.qq.com/open/js/jweixin-1.6.0.js";
const CONFIG_MS = 8000;
let sdk: Promise<Wx> | null = null;
let lastUrl = ""; // the URL `sdk` was configured for

function loadScript(src: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const el = document.createElement("script");
    el.src = src;
    el.async = true;
    el.onload = () => resolve();
    el.onerror = () => reject(new Error("JS-SDK not loaded"));
    document.head.appendChild(el);
  });
}

/** The URL WeChat checks the signature against: this page's, without `#…`. WeChat on iOS checks
 * the URL the page was first opened at (it ignores history.pushState), so sign that one there. */
export function signedUrl(): string {
  const entry = performance.getEntriesByType?.("navigation")[0]?.name;
  const url = /iPhone|iPad|iPod/i.test(navigator.userAgent) && entry ? entry : location.href;
  return url.split("#")[0]!;
}

/** The JS-SDK, loaded and configured for this page (once per page URL on Android). */
async function configured(configFor: ConfigFor): Promise<Wx> {
  await (window.wx ? Promise.resolve() : loadScript(JSSDK_URL));
  const wx = window.wx;
  if (!wx) throw new Error("JS-SDK missing");
  const c = await configFor(signedUrl());
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("wx.config timed out")), CONFIG_MS);
    wx.ready(() => {
      clearTimeout(timer);
      resolve();
    });
    wx.error((res) => {
      clearTimeout(timer);
      reject(new Error(res?.errMsg ?? "wx.config failed"));
    });
    wx.config({
      debug: false,
      appId: c.app_id!,
      timestamp: c.timestamp!,
      nonceStr: c.nonce_str!,
      signature: c.signature!,
      jsApiList: ["scanQRCode"],
    });
  });
  return wx;
}

/** Scan with WeChat's own scanner: the QR's text, or null if the person cancelled. Throws when
 * the JS-SDK cannot be used here (not loaded, not configured, refused): scan with the camera. */
export async function scanInWechat(configFor: ConfigFor): Promise<string | null> {
  const url = signedUrl();
  if (!sdk || lastUrl !== url) {
    lastUrl = url;
    sdk = configured(configFor);
    sdk.catch(() => (sdk = null));
  }
  const wx = await sdk;
  return new Promise((resolve, reject) => {
    wx.scanQRCode({
      needResult: 1,
      scanType: ["qrCode"],
      success: (res) => resolve(res.resultStr ?? ""),
      cancel: () => resolve(null),
      fail: (res) => (/cancel/i.test(res?.errMsg ?? "") ? resolve(null) : reject(new Error(res?.errMsg ?? "scan failed"))),
    });
  });
}
