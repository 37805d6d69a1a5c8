// The court desk (lazy chunk): cases, opening a case, one case with its defendants and 核销.
import { api } from "../api/client";
import type { Me } from "../api/types";
import { me } from "../account";
import { ErrorBox, Loading } from "../components/status";
import { useLoad } from "../components/useLoad";
import { match } from "../paths";
import { actingCourts } from "../roles";
import { CaseDetail } from "./court/CaseDetail";
import { Cases } from "./court/Cases";
import { NewCase } from "./court/NewCase";
import "./desk.css";

export function Desk({ path }: { path: string }) {
  const { data, error, reload } = useLoad(async (signal) => {
    const got = await api<Me>("GET", "/me", { signal });
    me.value = got;
    return got;
  }, []);
  const who = data ?? me.value;
  if (!who) return error !== undefined ? <ErrorBox error={error} onRetry={reload} /> : <Loading />;
  const courts = actingCourts(who);
  const p = match("/court/cases/:id", path);
  if (p) return <CaseDetail key={p.id} id={p.id!} acting={courts} />;
  if (match("/court/new", path) && courts.length > 0) return <NewCase courts={courts} />;
  return <Cases canOpen={courts.length > 0} />;
}
