// Screens fetched on demand (organisation and court desks): citizens never download them.
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { networkError } from "../api/problem";
import { ErrorBox, Loading } from "./status";

export type Desk = ComponentType<{ path: string }>;
export type DeskModule = () => Promise<{ Desk: Desk }>;

const loaded = new Map<DeskModule, Desk>();

export function Lazy({ load, path }: { load: DeskModule; path: string }) {
  const [Desk, setDesk] = useState<Desk | undefined>(() => loaded.get(load));
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (Desk) return;
    let live = true;
    load().then(
      (m) => {
        loaded.set(load, m.Desk);
        if (live) setDesk(() => m.Desk);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [load, attempt]);
  if (Desk) return <Desk path={path} />;
  if (failed) {
    return (
      <ErrorBox
        error={networkError()}
        onRetry={() => {
          setFailed(false);
          setAttempt((n) => n + 1);
        }}
      />
    );
  }
  return <Loading />;
}
