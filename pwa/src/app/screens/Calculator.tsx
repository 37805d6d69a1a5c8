// A footprint calculator: defaults filled in, recalculated as you type, a live breakdown chart,
// the form and the name on the certificate kept as drafts offline (so both survive signing in),
// and "neutralise" into an order.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { api, newIdempotencyKey } from "../api/client";
import type { Footprint, Order, Quote } from "../api/types";
import { keepTypedName, shownName, typedName } from "../beneficiary";
import {
  CALCULATORS,
  defaultText,
  initialValues,
  problems,
  shownFields,
  shownValues,
  type FieldSpec,
  type Kind,
  type Values,
} from "../calculators";
import { BarChart } from "../components/charts";
import { PaymentChooser } from "../components/PaymentChooser";
import { PlacePicker } from "../components/PlacePicker";
import { ErrorBox, Loading } from "../components/status";
import { formatMass, formatMoney } from "../format";
import { firstT, lang, t, tryT, type Key } from "../i18n";
import { loadDraft, saveDraft } from "../offline/store";
import { keyOf, orderFields, rememberOrigin, type Choice } from "../payment";
import { here, navigate } from "../router";
import { session } from "../session";

const DEBOUNCE_MS = 450;

export function Calculator({ kind }: { kind: Kind }) {
  const spec = CALCULATORS[kind];
  const draftKey = `calculator.${kind}`;
  const [values, setValues] = useState<Values | null>(null);
  const [footprint, setFootprint] = useState<Footprint | null>(null);
  const [wordedIn, setWordedIn] = useState(lang.value); // the language its words came in
  const [quote, setQuote] = useState<Quote | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [typed, setTyped] = useState<string | undefined>(undefined);
  const [orderError, setOrderError] = useState<unknown>(undefined);
  const [payWith, setPayWith] = useState<Choice | undefined>(undefined);
  const orderKeys = useRef(new Map<string, string>());
  const via = here.value.query.get("via");

  useEffect(() => {
    const query = here.value.query;
    void Promise.all([
      loadDraft<Values>(draftKey).catch(() => undefined),
      typedName(kind).catch(() => undefined),
    ]).then(([draft, name]) => {
      setTyped(name);
      setValues(initialValues(spec, draft, query));
    });
  }, [kind]);

  useEffect(() => {
    if (!values) return;
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      void saveDraft(draftKey, values).catch(() => undefined);
      const shown = shownValues(spec, values);
      if (Object.keys(problems(spec, shown)).length > 0) return; // said beside the fields
      setBusy(true);
      const asked = lang.value;
      // The footprint and its price are shown together, in one render: each render of this
      // form costs a phone tens of milliseconds of layout.
      api<Footprint>("POST", "/footprints", { body: spec.body(shown), signal: ctrl.signal })
        .then(async (fp) => {
          const priced =
            fp.mass_g! > 0
              ? await api<Quote>("POST", "/credits/quote", {
                  body: { mass_g: fp.mass_g },
                  signal: ctrl.signal,
                }).catch(() => null)
              : null;
          if (ctrl.signal.aborted) return;
          setFootprint(fp);
          setWordedIn(asked);
          setError(undefined);
          setQuote(priced);
          setBusy(false);
        })
        .catch((e: unknown) => {
          if (ctrl.signal.aborted) return;
          setError(e);
          setBusy(false);
        });
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [values, session.value?.token]);

  // Another language: read the same footprint back, worded in it.
  const shownLang = lang.value;
  useEffect(() => {
    if (!footprint?.id || wordedIn === shownLang) return;
    const ctrl = new AbortController();
    api<Footprint>("GET", `/footprints/${footprint.id}`, { signal: ctrl.signal })
      .then((fp) => {
        setFootprint(fp);
        setWordedIn(shownLang);
      })
      .catch(() => undefined);
    return () => ctrl.abort();
  }, [shownLang, footprint?.id]);

  if (!values) return <Loading />;
  const beneficiary = shownName(typed, session.value?.displayName);

  const set = (name: string, value: string | boolean): void =>
    setValues({ ...values, [name]: value });

  function typeName(name: string): void {
    setTyped(name);
    void keepTypedName(kind, name).catch(() => undefined);
  }

  /** Keep the drafts now (not after the debounce), then sign in and come back to them. */
  async function signInFirst(): Promise<void> {
    await Promise.all([
      saveDraft(draftKey, values),
      typed !== undefined ? keepTypedName(kind, typed) : undefined,
    ]).catch(() => undefined);
    navigate(`/sign-in?next=${encodeURIComponent(here.value.path)}`);
  }

  async function neutralise(e: Event): Promise<void> {
    e.preventDefault();
    if (!footprint?.id) return;
    const attempt = `${footprint.id}|${payWith ? keyOf(payWith) : ""}`; // one key per request body
    const key = orderKeys.current.get(attempt) ?? newIdempotencyKey();
    orderKeys.current.set(attempt, key);
    setOrderError(undefined);
    try {
      const order = await api<Order>("POST", "/orders", {
        body: {
          footprint_id: footprint.id,
          beneficiary: beneficiary.trim(),
          ...(via ? { note: `via=${via}` } : {}),
          ...orderFields(payWith),
        },
        idempotencyKey: key,
      });
      rememberOrigin(order.id!, { path: location.pathname + location.search });
      navigate(`/checkout/${order.id}`);
    } catch (err) {
      setOrderError(err);
    }
  }

  const shown = shownFields(spec, values);
  const main = shown.filter((f) => !f.optional);
  const more = shown.filter((f) => f.optional);
  const wrong = problems(spec, shownValues(spec, values));
  const ready = Object.keys(wrong).length === 0;
  return (
    <section class="screen">
      <h1>{t(`calc.${kind}.title`)}</h1>
      {via === "wechat" && <p class="badge">{t("calc.viaWechat")}</p>}
      <form class="card form" onSubmit={(e) => e.preventDefault()} aria-describedby="calc-hint">
        <p id="calc-hint" class="hint">
          {t("calc.hint")}
        </p>
        {main.map((f) => (
          <Field
            key={f.name}
            spec={f}
            value={values[f.name]!}
            preset={values.preset}
            problem={wrong[f.name]}
            onChange={set}
          />
        ))}
        {more.length > 0 && (
          <details>
            <summary>{t("calc.more")}</summary>
            {more.map((f) => (
              <Field
            key={f.name}
            spec={f}
            value={values[f.name]!}
            preset={values.preset}
            problem={wrong[f.name]}
            onChange={set}
          />
            ))}
          </details>
        )}
      </form>
      {ready ? (
        <Result footprint={footprint} quote={quote} error={error} busy={busy} />
      ) : (
        <p class="card hint" role="status">
          {t("calc.fixFirst")}
        </p>
      )}
      {ready && footprint && !error && (
        <form class="card form" onSubmit={neutralise}>
          <label class="field">
            <span>{t("field.beneficiary")}</span>
            <input
              name="beneficiary"
              value={beneficiary}
              required
              maxLength={100}
              autocomplete="name"
              onInput={(e) => typeName(e.currentTarget.value)}
            />
          </label>
          {session.value && <PaymentChooser onChange={setPayWith} />}
          {orderError !== undefined && <ErrorBox error={orderError} />}
          {session.value ? (
            <button class="button primary" type="submit" disabled={busy}>
              {t("calc.neutralise")}
            </button>
          ) : (
            <button class="button primary" type="button" onClick={() => void signInFirst()}>
              {t("calc.signInToNeutralise")}
            </button>
          )}
        </form>
      )}
    </section>
  );
}

function Field(props: {
  spec: FieldSpec;
  value: string | boolean;
  preset: string | boolean | undefined; // a site's scene may word a field its own way
  problem: Key | undefined; // what to correct before anything is sent
  onChange: (name: string, v: string | boolean) => void;
}) {
  const { spec, value, preset, problem, onChange } = props;
  const id = `f-${spec.name}`;
  const label = firstT([`field.${spec.name}@${String(preset)}`, `field.${spec.name}`]);
  const hintId = spec.hint ? `${id}-hint` : undefined;
  const described = [hintId, problem && `${id}-problem`].filter(Boolean).join(" ") || undefined;
  const hint = (
    <>
      {spec.hint && (
        <small id={hintId} class="hint">
          {tryT(`field.${spec.name}.hint`)}
        </small>
      )}
      {problem && (
        <small id={`${id}-problem`} class="field-error">
          {t(problem)}
        </small>
      )}
    </>
  );
  if (spec.picker) {
    return (
      <div class="field">
        <label for={id}>{label}</label>
        {hint}
        <PlacePicker
          id={id}
          name={spec.name}
          mode={spec.picker}
          value={String(value)}
          describedBy={described}
          invalid={problem !== undefined}
          onChange={(v) => onChange(spec.name, v)}
        />
      </div>
    );
  }
  if (spec.type === "bool") {
    return (
      <label class="field check" for={id}>
        <input
          id={id}
          type="checkbox"
          checked={value === true}
          aria-describedby={hintId}
          onChange={(e) => onChange(spec.name, e.currentTarget.checked)}
        />
        <span>{label}</span>
        {hint}
      </label>
    );
  }
  if (spec.type === "select") {
    return (
      <label class="field" for={id}>
        <span>{label}</span>
        <select
          id={id}
          value={String(value)}
          aria-describedby={hintId}
          onChange={(e) => onChange(spec.name, e.currentTarget.value)}
        >
          {spec.options!.map((o) => (
            <option key={o} value={o}>
              {spec.optionText ? spec.optionText(o) : tryT(`mode.${o}`)}
            </option>
          ))}
        </select>
        {hint}
      </label>
    );
  }
  const common = {
    id,
    name: spec.name,
    value: String(value),
    "aria-describedby": described,
    "aria-invalid": problem !== undefined || undefined,
    onInput: (e: Event) => onChange(spec.name, (e.currentTarget as HTMLInputElement).value),
  };
  return (
    <label class="field" for={id}>
      <span>{label}</span>
      {hint}
      {spec.type === "text" ? (
        <input {...common} type="text" />
      ) : spec.type === "date" ? (
        <input {...common} type="date" />
      ) : spec.type === "percent" ? (
        <span class="with-unit">
          <input {...common} type="number" inputMode="decimal" step="any" min={0} max={100} />
          <span aria-hidden="true">%</span>
        </span>
      ) : (
        <input
          {...common}
          type="number"
          inputMode={spec.type === "int" ? "numeric" : "decimal"}
          step={spec.type === "decimal" ? "any" : 1}
          min={spec.min}
          max={spec.max}
        />
      )}
    </label>
  );
}

function Result(props: { footprint: Footprint | null; quote: Quote | null; error: unknown; busy: boolean }) {
  const { footprint, quote, error, busy } = props;
  const l = lang.value;
  const data = useMemo(
    () =>
      Object.entries(footprint?.breakdown?.by_category ?? {})
        .filter(([, g]) => g > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([c, g]) => ({ label: tryT(`category.${c}`, l), value: g, text: formatMass(g, l) })),
    [footprint, l],
  );
  if (error !== undefined) return <ErrorBox error={error} />;
  if (!footprint) return <Loading label={t("calc.calculating")} />;
  return (
    <div class="card result" aria-busy={busy}>
      <p class="result-label">{t("calc.total")}</p>
      <p class="result-total" data-testid="total" aria-live="polite">
        {formatMass(footprint.mass_g!, l)} CO₂e
      </p>
      {quote && (
        <p class="result-price">
          {t("calc.estimate", { price: formatMoney(quote.amount!, quote.currency ?? "CNY", l) })}
        </p>
      )}
      {footprint.standard && (
        <p class="hint">
          {t("calc.standard", {
            name: (l === "zh" ? footprint.standard.name_zh : footprint.standard.name_en) ?? "",
          })}
        </p>
      )}
      {data.length > 0 && <BarChart data={data} title={t("calc.breakdown")} />}
      <p>{t("calc.lines")}</p>
      <ul class="lines">
        {(footprint.breakdown?.lines ?? []).map((line, i) => (
          <li key={i}>
            <span>{line.component ? `[${line.component}] ${line.label}` : line.label}</span>
            <span class="mono">{formatMass(line.mass_g ?? 0, l)}</span>
          </li>
        ))}
      </ul>
      <details>
        <summary>{t("calc.trail")}</summary>
        <ol class="trail">
          {(footprint.trail ?? []).map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ol>
        {(footprint.defaults ?? []).length > 0 && (
          <>
            <p>{t("calc.defaults")}</p>
            <ul class="trail">
              {footprint.defaults!.map((d) => (
                <li key={d.field}>{defaultText(d)}</li>
              ))}
            </ul>
          </>
        )}
        <p class="hint">{t("calc.factorSet", { version: footprint.factor_set ?? "" })}</p>
      </details>
    </div>
  );
}
