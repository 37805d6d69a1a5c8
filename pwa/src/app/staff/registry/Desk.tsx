// The organisation's registry tab (a lazy chunk): its exchange account (or opening one), its
// holdings and offers, its projects and their pages; a verifier account also reviews here.
import { Empty } from "../../components/status";
import { here } from "../../router";
import { States } from "../ui";
import { AccountCard, Holdings, Offers, OpenAccount } from "./Account";
import { ProjectList, ProjectPage, RegisterProject } from "./Projects";
import { Review } from "./Review";
import { rt } from "./messages";
import { useAccountDesk } from "./shared";

export function Desk({ path }: { path: string }) {
  const { orgId, account, version, bump, admin } = useAccountDesk(path);
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
