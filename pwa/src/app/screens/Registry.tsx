// The public registry screens, one lazy chunk (out of the first load): 项目公示 at /projects, a
// project at /projects/:id, and a certificate's trace at /certificates/:number/trace (app.tsx
// sends only these paths here; any other is its "not found").
import { match } from "../paths";
import { CertificateTrace } from "./Trace";
import { ProjectList, ProjectPage } from "./Projects";

export function Desk({ path }: { path: string }) {
  let p: Record<string, string> | null;
  if ((p = match("/projects/:id", path))) return <ProjectPage key={p.id} id={p.id!} />;
  if ((p = match("/certificates/:number/trace", path))) return <CertificateTrace number={p.number!} />;
  return <ProjectList />;
}
