// 金融产品 (a lazy section of the 绿色金融 tab): a financial institution's own products in every
// state, and, for its admins, a new product saved as a draft, published and withdrawn, each
// after a confirmation. An organisation whose exchange account lacks the role sees why.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import { Empty } from "../../components/status";
import { useLoad } from "../../components/useLoad";
import { lang } from "../../i18n";
import { fieldErrors } from "../forms";
import { Confirmed, Field, useAccountDesk } from "../registry/shared";
import { FieldError, FormEnd, Section, States, invalid, useSubmit } from "../ui";
import { PROJECT_TYPES, productBody, type Product, type ProductForm } from "./lendForms";
import { lt } from "./lendMessages";
import { ProductFacts, StateBadge, productName, typeName } from "./lendShared";

export function Desk({ path }: { path: string }) {
  const { account, version, bump, admin } = useAccountDesk(path);
  return (
    <States load={account}>
      {({ a }) => {
        if (!a) return <Empty title={lt("ln.noAccount")} />;
        if (!(a.roles ?? []).includes("financial_institution")) return <Empty title={lt("ln.notInstitution")} />;
        return (
          <>
            {!admin && <p class="hint">{lt("ln.membersOnly")}</p>}
            <Own participantId={a.id!} admin={admin} version={version} onChange={bump} />
            {admin && <NewProduct participantId={a.id!} onDone={bump} />}
          </>
        );
      }}
    </States>
  );
}

function Own({ participantId, admin, version, onChange }: { participantId: number; admin: boolean; version: number; onChange: () => void }) {
  const own = useLoad((signal) => api<Product[]>("GET", `/finance/participants/${participantId}/products`, { signal }), [participantId, version]);
  const move = (p: Product, to: "published" | "withdrawn") => async (): Promise<void> => {
    await api("POST", `/finance/products/${p.id}/transitions`, { body: { to } });
    onChange();
  };
  return (
    <Section title={lt("ln.ownProducts")}>
      <States load={own} empty={(d) => d.length === 0} emptyTitle={lt("ln.noProducts")}>
        {(list) => (
          <ul class="list" data-testid="own-products">
            {list.map((p) => (
              <li key={p.id} class="endpoint">
                <p class="list-title">
                  {productName(p)} <StateBadge state={p.state} /> <span class="hint">{lt(`ln.kind.${p.kind ?? "credit"}`)}</span>
                </p>
                <ProductFacts p={p} />
                {admin && p.state === "draft" && (
                  <Confirmed label={lt("ln.publish")} title={lt("ln.publishTitle", { name: productName(p) })} yes={lt("ln.publish")} testId={`publish-${p.id}`} onConfirm={move(p, "published")}>
                    <p>{lt("ln.publishText")}</p>
                  </Confirmed>
                )}
                {admin && p.state === "published" && (
                  <Confirmed label={lt("ln.withdraw")} title={lt("ln.withdrawTitle", { name: productName(p) })} yes={lt("ln.withdraw")} danger testId={`withdraw-${p.id}`} onConfirm={move(p, "withdrawn")}>
                    <p>{lt("ln.withdrawText")}</p>
                  </Confirmed>
                )}
              </li>
            ))}
          </ul>
        )}
      </States>
    </Section>
  );
}

const EMPTY: ProductForm = {
  kind: "credit",
  nameZh: "",
  nameEn: "",
  descriptionZh: "",
  descriptionEn: "",
  rateMin: "",
  rateMax: "",
  termMin: "",
  termMax: "",
  amountMin: "",
  amountMax: "",
  projectTypes: [],
  documents: "",
};

function NewProduct({ participantId, onDone }: { participantId: number; onDone: () => void }) {
  const [form, setForm] = useState<ProductForm>(EMPTY);
  const sent = useSubmit();
  const errors = fieldErrors(sent.error, lang.value);
  const save = sent.submit(async () => {
    const made = await api<Product>("POST", `/finance/participants/${participantId}/products`, { body: productBody(form) });
    setForm(EMPTY);
    onDone();
    return lt("ln.created", { name: productName(made) });
  });
  const text = (key: keyof ProductForm, name: string, label: string, extra: Record<string, unknown> = {}) => (
    <Field id={`product-${key}`} label={label} field={name} value={String(form[key])} onInput={(v) => setForm({ ...form, [key]: v })} errors={errors} extra={extra} />
  );
  const area = (key: "descriptionZh" | "descriptionEn" | "documents", name: string, label: string) => (
    <label class="field" for={`product-${key}`}>
      <span>{label}</span>
      <textarea id={`product-${key}`} maxLength={2000} value={form[key]} onInput={(e) => setForm({ ...form, [key]: e.currentTarget.value })} {...invalid(name, errors)} />
      <FieldError name={name} errors={errors} />
    </label>
  );
  return (
    <Section title={lt("ln.newProduct")}>
      <form class="form" onSubmit={save}>
        <label class="field" for="product-kind">
          <span>{lt("ln.kind")}</span>
          <select id="product-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.currentTarget.value as ProductForm["kind"] })}>
            <option value="credit">{lt("ln.kind.credit")}</option>
            <option value="insurance">{lt("ln.kind.insurance")}</option>
          </select>
        </label>
        {text("nameZh", "name_zh", lt("ln.nameZh"), { maxLength: 100 })}
        {text("nameEn", "name_en", lt("ln.nameEn"), { maxLength: 100 })}
        {area("descriptionZh", "description_zh", lt("ln.descriptionZh"))}
        {area("descriptionEn", "description_en", lt("ln.descriptionEn"))}
        {text("rateMin", "rate_min_bps", lt("ln.rateMin"), { inputMode: "decimal", placeholder: "3.10" })}
        {text("rateMax", "rate_max_bps", lt("ln.rateMax"), { inputMode: "decimal", placeholder: "4.20" })}
        <p class="hint">{lt("ln.rateHint")}</p>
        {text("termMin", "term_min_months", lt("ln.termMin"), { inputMode: "numeric", placeholder: "12" })}
        {text("termMax", "term_max_months", lt("ln.termMax"), { inputMode: "numeric", placeholder: "60" })}
        {text("amountMin", "amount_min_fen", lt("ln.amountMin"), { inputMode: "decimal", placeholder: "50" })}
        {text("amountMax", "amount_max_fen", lt("ln.amountMax"), { inputMode: "decimal", placeholder: "5000" })}
        <fieldset class="choices" {...invalid("project_types", errors)}>
          <legend>{lt("ln.types")}</legend>
          {PROJECT_TYPES.map((t) => (
            <label key={t} class="field check">
              <input
                type="checkbox"
                checked={form.projectTypes.includes(t)}
                onChange={(e) => setForm({ ...form, projectTypes: PROJECT_TYPES.filter((x) => (x === t ? e.currentTarget.checked : form.projectTypes.includes(x))) })}
              />
              <span>{typeName(t)}</span>
            </label>
          ))}
          <FieldError name="project_types" errors={errors} />
        </fieldset>
        {area("documents", "documents", lt("ln.documents"))}
        <p class="hint">{lt("ln.documentsHint")}</p>
        <FormEnd sent={sent} errors={errors} label={lt("ln.create")} testId="product-created" />
      </form>
    </Section>
  );
}
