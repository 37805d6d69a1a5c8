// Scanning inside WeChat: which browser counts as WeChat's, and which URL the JS-SDK config signs.
import { afterEach, describe, expect, it, vi } from "vitest";
import { inWechat } from "../src/app/wechatBridge";
import { signedUrl } from "../src/app/wechatScan";

const ANDROID_WECHAT =
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560";
const IOS_WECHAT =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c)";
const IOS_SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4 Mobile/15E148 Safari/604.1";

function browser(userAgent: string, href: string, entry = "https://dd.example/"): void {
  vi.stubGlobal("navigator", { userAgent });
  vi.stubGlobal("location", { href });
  vi.stubGlobal("performance", { getEntriesByType: () => [{ name: entry }] });
}

afterEach(() => vi.unstubAllGlobals());

describe("inWechat", () => {
  it("is WeChat's browser on Android and iOS, and nothing else", () => {
    for (const [ua, wechat] of [
      [ANDROID_WECHAT, true],
      [IOS_WECHAT, true],
      [IOS_SAFARI, false],
    ] as const) {
      browser(ua, "https://dd.example/");
      expect(inWechat()).toBe(wechat);
    }
  });
});

describe("signedUrl", () => {
  it("signs this page without its fragment", () => {
    browser(ANDROID_WECHAT, "https://dd.example/wallet?from=menu#history");
    expect(signedUrl()).toBe("https://dd.example/wallet?from=menu");
  });

  it("signs the URL the page was opened at on iOS, where WeChat ignores pushState", () => {
    browser(IOS_WECHAT, "https://dd.example/wallet", "https://dd.example/?from=menu#top");
    expect(signedUrl()).toBe("https://dd.example/?from=menu");
  });
});
