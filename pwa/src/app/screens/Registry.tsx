// The public registry screens, one lazy chunk (out of the first load): 项目公示 at /projects, a
// project at /projects/:id, and a certificate's trace at /certificates/:number/trace.
import { match } from "../paths";
import { CertificateTrace } from "./Trace";
import { ProjectList, ProjectPage, notFound, projectId } from "./Projects";

export function Desk({ path }: { path: string }) {
  let p: Record<string, string> | null;
  if (match("/projects", path)) return <ProjectList />;
  if ((p = match("/projects/:id", path))) {
    const id = projectId(p.id!);
    return id ? <ProjectPage key={id} id={id} /> : notFound();
  }
  if ((p = match("/certificates/:number/trace", path))) return <CertificateTrace number={p.number!} />;
  return notFound();
}
