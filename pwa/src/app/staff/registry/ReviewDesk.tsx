// The operator's review tab (a lazy chunk): the queue, and a submitted project's page to
// validate or reject it.
import { here } from "../../router";
import { ProjectPage } from "./Projects";
import { Review } from "./Review";

export function Desk({ path }: { path: string }) {
  const base = `/org/${path.split("/")[2]}?tab=review`;
  const project = Number(here.value.query.get("project"));
  return project > 0 ? <ProjectPage id={project} back={base} owner={false} operator /> : <Review base={base} />;
}
