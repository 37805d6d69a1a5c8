// Images behind the bearer token (a defendant's QR code, the case report): fetched with the
// token and shown through an object URL, since an <img src> cannot send Authorization.
import { useEffect, useState } from "preact/hooks";
import { ApiError, networkError } from "../api/problem";
import { session } from "../session";

export async function fetchImage(path: string, signal?: AbortSignal): Promise<Blob> {
  const token = session.value?.token;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw networkError();
  }
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
  return res.blob();
}

/** An object URL for the image at `path` (revoked when the component goes), or the error. */
export function useImage(path: string): { url?: string; error?: unknown } {
  const [state, setState] = useState<{ url?: string; error?: unknown }>({});
  useEffect(() => {
    const ctrl = new AbortController();
    let url: string | undefined;
    fetchImage(path, ctrl.signal).then(
      (blob) => {
        url = URL.createObjectURL(blob);
        setState({ url });
      },
      (error: unknown) => !ctrl.signal.aborted && setState({ error }),
    );
    return () => {
      ctrl.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [path]);
  return state;
}
