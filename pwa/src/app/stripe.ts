// Stripe's Payment Element (card, Alipay, WeChat Pay), loaded only when the API hands us a
// publishable key and a client secret; the sandbox never loads it.
interface StripeElements {
  create(kind: "payment", options?: object): { mount(el: HTMLElement): void };
}
interface StripeJs {
  elements(options: { clientSecret: string; locale?: string }): StripeElements;
  confirmPayment(options: {
    elements: StripeElements;
    confirmParams: { return_url: string };
  }): Promise<{ error?: { message?: string } }>;
}
declare global {
  interface Window {
    Stripe?: (key: string) => StripeJs;
  }
}

export interface StripeInstructions {
  publishable_key: string;
  client_secret: string;
}

export function stripeInstructions(i: Record<string, unknown> | undefined): StripeInstructions | null {
  return typeof i?.publishable_key === "string" && typeof i.client_secret === "string"
    ? { publishable_key: i.publishable_key, client_secret: i.client_secret }
    : null;
}

let loading: Promise<void> | null = null;

function loadScript(): Promise<void> {
  loading ??= new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = "https://js.stripe.com/v3/";
    s.onload = () => resolve();
    s.onerror = () => {
      loading = null;
      reject(new Error("Stripe.js could not be loaded"));
    };
    document.head.append(s);
  });
  return loading;
}

/** Mounts the Payment Element into `el`; returns the function that confirms the payment. */
export async function mountPaymentElement(
  el: HTMLElement,
  ins: StripeInstructions,
  locale: string,
  returnUrl: string,
): Promise<() => Promise<string | null>> {
  await loadScript();
  const stripe = window.Stripe!(ins.publishable_key);
  const elements = stripe.elements({ clientSecret: ins.client_secret, locale });
  elements.create("payment").mount(el);
  return async () => {
    const { error } = await stripe.confirmPayment({ elements, confirmParams: { return_url: returnUrl } });
    return error?.message ?? null;
  };
}
