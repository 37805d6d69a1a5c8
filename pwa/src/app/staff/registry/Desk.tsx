// The organisation's registry tab (a lazy chunk): its exchange account (or opening one), its
// holdings and offers, its projects and their pages; a verifier account also reviews here.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type { RegistryParticipant } from "../../api/types";
import { me } from "../../account";
import { Empty } from "../../components/status";
import { useLoad } from "../../components/useLoad";
import { here } from "../../router";
import { adminOrgs } from "../../roles";
import { States } from "../ui";
import { AccountCard, Holdings, Offers, OpenAccount } from "./Account";
import { ProjectList, ProjectPage, RegisterProject } from "./Projects";
import { Review } from "./Review";
import { rt } from "./messages";
import { orNull } from "./shared";

export function Desk({ path }: { path: string }) {
  const orgId = Number(path.split("/")[2]);
  // Wrapped, so that "no account yet" (null) is data, not a failure to load.
  const account = useLoad(
    async (signal) => ({ a: await orNull(api<RegistryParticipant>("GET", `/registry/organisations/${orgId}/participant`, { signal })) }),
    [orgId],
  );
  const [version, setVersion] = useState(0);
  const bump = (): void => setVersion((v) => v + 1);
  const admin = adminOrgs(me.value).some((o) => o.id === orgId);
  const base = `/org/${orgId}?tab=registry`;
  const project = Number(here.value.query.get("project"));
  return (
    <States load={account}>
      {({ a }) => {
        if (!a) return admin ? <OpenAccount orgId={orgId} onDone={account.reload} /> : <Empty title={rt("rg.noAccountMember")} />;
        const roles = a.roles ?? [];
        if (project > 0) return <ProjectPage id={project} back={base} owner={roles.includes("project_owner")} operator={false} onChange={bump} />;
        return (
          <>
            <AccountCard account={a} />
            <Holdings participantId={a.id!} admin={admin} onOffered={bump} />
            <Offers participantId={a.id!} admin={admin} version={version} />
            {roles.includes("project_owner") && (
              <>
                <ProjectList base={base} version={version} />
                <RegisterProject ownerId={a.id!} onDone={bump} />
              </>
            )}
            {roles.includes("verifier") && <Review base={base} />}
          </>
        );
      }}
    </States>
  );
}
