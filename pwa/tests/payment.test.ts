import { describe, expect, it } from "vitest";
import type { PaymentRails } from "../src/app/api/types";
import { instructionsOf, keyOf, lastChoice, options, orderFields, originOf, preselect, rememberChoice, rememberOrigin } from "../src/app/payment";

class Memory implements Storage {
  private m = new Map<string, string>();
  get length() {
    return this.m.size;
  }
  clear() {
    this.m.clear();
  }
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  key(i: number) {
    return [...this.m.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.m.delete(k);
  }
  setItem(k: string, v: string) {
    this.m.set(k, v);
  }
}

const label = (zh: string, en: string) => ({ zh, en });
const DESKTOP: PaymentRails = {
  client: "desktop",
  rails: [
    {
      provider: "wechatpay",
      label: label("微信支付", "WeChat Pay"),
      sandbox: false,
      channels: [
        { channel: "jsapi", label: label("在微信内支付", "Pay inside WeChat"), usable: false },
        { channel: "h5", label: label("跳转微信支付", "Open WeChat to pay"), usable: false },
        { channel: "native", label: label("微信扫码支付", "Scan a QR code with WeChat"), usable: true },
      ],
    },
    { provider: "sandbox", label: label("演示支付（模拟付款，不扣款）", "Demo"), sandbox: true, channels: [] },
  ],
  recommended: { provider: "wechatpay", channel: "native" },
};

describe("the ways to pay offered", () => {
  it("lists each way that works in this client, in Chinese, providers in preference order", () => {
    const offered = options(DESKTOP, "zh");
    expect(offered.map((o) => [o.key, o.label, o.detail])).toEqual([
      ["wechatpay:native", "微信支付", "微信扫码支付"],
      ["sandbox", "演示支付（模拟付款，不扣款）", ""],
    ]);
    expect(offered[1]!.sandbox).toBe(true);
  });

  it("offers every way when none works here, so the person can still try", () => {
    const odd: PaymentRails = {
      rails: [{ provider: "alipay", label: label("支付宝", "Alipay"), channels: [{ channel: "wap", usable: false }, { channel: "page", usable: false }] }],
    };
    expect(options(odd, "en").map((o) => o.key)).toEqual(["alipay:wap", "alipay:page"]);
  });

  it("preselects the last choice while it is offered, else the recommended one", () => {
    const offered = options(DESKTOP, "zh");
    expect(preselect(offered, DESKTOP.recommended as never, null)?.key).toBe("wechatpay:native");
    expect(preselect(offered, DESKTOP.recommended as never, { provider: "sandbox", channel: null })?.key).toBe("sandbox");
    const gone = { provider: "wechatpay", channel: "jsapi" };
    expect(preselect(offered, DESKTOP.recommended as never, gone)?.key).toBe("wechatpay:native");
  });

  it("sends the provider, and the channel only when it has several ways", () => {
    expect(orderFields({ provider: "wechatpay", channel: "native" })).toEqual({ provider: "wechatpay", channel: "native" });
    expect(orderFields({ provider: "sandbox", channel: null })).toEqual({ provider: "sandbox" });
    expect(orderFields(undefined)).toEqual({});
    expect(keyOf({ provider: "alipay", channel: "wap" })).toBe("alipay:wap");
  });

  it("remembers the last choice and where an order was made", () => {
    const store = new Memory();
    expect(lastChoice(store)).toBeNull();
    rememberChoice({ provider: "sandbox", channel: null }, store);
    expect(lastChoice(store)).toEqual({ provider: "sandbox", channel: null });
    rememberOrigin("ord_1", { path: "/court-purchase/t1", courtToken: "t1" }, store);
    expect(originOf("ord_1", store)).toEqual({ path: "/court-purchase/t1", courtToken: "t1" });
    expect(originOf("ord_2", store)).toBeNull();
    store.setItem("diandian.order-origin.ord_3", JSON.stringify({ path: "https://elsewhere.example/" }));
    expect(originOf("ord_3", store)).toBeNull(); // only a path of this app
  });
});

describe("how to pay a placed order", () => {
  const back = "https://dd.example/checkout/ord_1";
  it("calls WeChat's bridge with the signed pay_request inside WeChat", () => {
    const payRequest = { appId: "wx1", package: "prepay_id=wx2", paySign: "s" };
    expect(instructionsOf({ channel: "jsapi", pay_request: payRequest }, back)).toEqual({ kind: "jsapi", payRequest });
  });

  it("shows Native's code_url as a QR code", () => {
    expect(instructionsOf({ channel: "native", code_url: "weixin://wxpay/bizpayurl?pr=abc" }, back)).toEqual({
      kind: "qr",
      url: "weixin://wxpay/bizpayurl?pr=abc",
    });
  });

  it("opens H5's page with the way back, and Alipay's page as it is", () => {
    const h5 = instructionsOf({ channel: "h5", h5_url: "https://wx.tenpay.com/pay?prepay_id=1&package=2" }, back);
    expect(h5).toEqual({
      kind: "open",
      url: `https://wx.tenpay.com/pay?prepay_id=1&package=2&redirect_url=${encodeURIComponent(back)}`,
    });
    const ali = instructionsOf({ channel: "wap", url: "https://openapi.alipay.com/gateway.do?x=1" }, back);
    expect(ali).toEqual({ kind: "open", url: "https://openapi.alipay.com/gateway.do?x=1" });
  });

  it("leaves the sandbox and Stripe to their own screens", () => {
    expect(instructionsOf({ confirm: "POST …", notice: {} }, back)).toBeNull();
    expect(instructionsOf({ publishable_key: "pk", client_secret: "cs" }, back)).toBeNull();
    expect(instructionsOf(undefined, back)).toBeNull();
  });
});
