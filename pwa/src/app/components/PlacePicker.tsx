// A text field that suggests places as you type (the ARIA combobox pattern): an airport for a
// flight, whose code the form keeps while the field shows 成都天府 TFU; or a city, airport or
// station for the entry being typed in a meeting's list of origins. The table (a chunk of its own,
// precached by the service worker) loads when a form with a picker opens, never on first load.
import { signal } from "@preact/signals";
import { useEffect, useState } from "preact/hooks";
import { lang, t } from "../i18n";
import type { PickerMode, Suggestion } from "../places/places";

type Places = typeof import("../places/places");
const places = signal<Places | undefined>(undefined);
let loading: Promise<unknown> | undefined;

/** Fetch the table once; a failure (offline before the service worker had it) is retried on focus. */
function load(): void {
  loading ??= import("../places/places").then(
    (m) => (places.value = m),
    () => (loading = undefined),
  );
}

// Entries of a meeting's origins: "北京 20，成" is being typed at "成".
const LAST_ENTRY = /^(.*[,，;；、\n])?\s*(.*)$/s;

export function PlacePicker(props: {
  id: string;
  name: string;
  mode: PickerMode;
  value: string;
  describedBy?: string;
  invalid: boolean;
  onChange: (value: string) => void;
}) {
  const { id, mode, value, onChange } = props;
  const [typed, setTyped] = useState<string | null>(null); // an airport field while it is edited
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const l = lang.value;
  const shown = mode === "place" ? value : (typed ?? places.value?.airportLabel(value, l) ?? value);
  const [, before = "", entry = ""] = LAST_ENTRY.exec(shown)!;
  const query = mode === "place" && /\d\s*人?\s*$/.test(entry) ? "" : entry;
  const found: Suggestion[] = open && places.value ? places.value.suggest(query, mode, l) : [];
  const listId = `${id}-list`;
  useEffect(load, []);

  function type(text: string): void {
    if (mode === "airport") {
      setTyped(text);
      onChange(/^\s*[a-z]{3}\s*$/i.test(text) ? text.trim().toUpperCase() : text);
    } else onChange(text);
    setOpen(true);
    setActive(-1);
  }

  function pick(s: Suggestion): void {
    onChange(mode === "airport" ? s.value : `${before}${s.value} `);
    setTyped(null);
    setOpen(false);
  }

  function key(e: KeyboardEvent): void {
    const move = e.key === "ArrowDown" ? 1 : e.key === "ArrowUp" ? -1 : 0;
    if (move !== 0) {
      e.preventDefault();
      setOpen(true);
      const n = found.length + 1; // the options, and none chosen
      setActive(((active + 1 + move + n) % n) - 1);
    } else if (e.key === "Enter" && found.length > 0) {
      e.preventDefault();
      pick(found[Math.max(active, 0)]!);
    } else if (e.key === "Escape" && open) {
      e.preventDefault();
      setOpen(false);
    }
  }

  const asked = open && query.trim() !== "" && places.value !== undefined;
  const expanded = asked && found.length > 0;
  return (
    <div class="picker">
      <input
        id={id}
        name={props.name}
        type="text"
        role="combobox"
        autocomplete="off"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        aria-describedby={props.describedBy}
        aria-invalid={props.invalid || undefined}
        value={shown}
        onFocus={(e) => {
          load();
          if (mode === "airport") e.currentTarget.select();
        }}
        onBlur={() => {
          setTyped(null);
          setOpen(false);
        }}
        onInput={(e) => type(e.currentTarget.value)}
        onKeyDown={key}
      />
      <ul id={listId} role="listbox" class="picker-list" hidden={!expanded}>
        {found.map((s, i) => (
          <li
            key={s.kind + s.value}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            onMouseDown={(e) => e.preventDefault()} // keep the focus in the field
            onClick={() => pick(s)}
          >
            {s.label}
            {mode === "place" && <small>{t(`place.${s.kind}`)}</small>}
          </li>
        ))}
      </ul>
      {asked && !expanded && (
        <p class="hint" role="status">
          {t("place.none")}
        </p>
      )}
    </div>
  );
}
