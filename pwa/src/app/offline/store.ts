// IndexedDB (through idb): drafts of forms, requests waiting for the network, and the signed-in
// person's own data kept for offline use (certificates opened, the last wallet read). All but the
// drafts is cleared when the person signs out (`forgetPersonal`); drafts are typed before signing
// in and must survive it.
import { openDB, type DBSchema, type IDBPDatabase } from "idb";

export interface QueuedCheckIn {
  id?: number;
  kind: "checkin";
  venue: string;
  queuedAt: string;
}

/** A copy of something read from the API, and when it was read (ISO). */
export interface Saved<T> {
  data: T;
  savedAt: string;
}

interface Schema extends DBSchema {
  drafts: { key: string; value: unknown };
  queue: { key: number; value: QueuedCheckIn };
  /** Certificates the person opened, by number. */
  certificates: { key: string; value: Saved<unknown> };
  /** The last answer of a screen's request (the wallet), by name. */
  snapshots: { key: string; value: Saved<unknown> };
}

/** What belongs to the signed-in person (drafts are typed before signing in). */
const PERSONAL = ["queue", "certificates", "snapshots"] as const;

let opened: Promise<IDBPDatabase<Schema>> | null = null;

function db(): Promise<IDBPDatabase<Schema>> {
  opened ??= openDB<Schema>("diandian", 2, {
    upgrade(d, from) {
      if (from < 1) {
        d.createObjectStore("drafts");
        d.createObjectStore("queue", { keyPath: "id", autoIncrement: true });
      }
      if (from < 2) {
        d.createObjectStore("certificates");
        d.createObjectStore("snapshots");
      }
    },
  });
  return opened;
}

export async function saveDraft(key: string, value: unknown): Promise<void> {
  await (await db()).put("drafts", value, key);
}

export async function loadDraft<T>(key: string): Promise<T | undefined> {
  return (await (await db()).get("drafts", key)) as T | undefined;
}

export async function enqueue(item: QueuedCheckIn): Promise<void> {
  await (await db()).add("queue", item);
}

/** Oldest first. */
export async function queued(): Promise<QueuedCheckIn[]> {
  return (await db()).getAll("queue");
}

export async function dequeue(id: number): Promise<void> {
  await (await db()).delete("queue", id);
}

export async function saveCertificate<T>(number: string, data: T, now = new Date()): Promise<void> {
  await (await db()).put("certificates", { data, savedAt: now.toISOString() }, number);
}

export async function savedCertificate<T>(number: string): Promise<Saved<T> | undefined> {
  return (await (await db()).get("certificates", number)) as Saved<T> | undefined;
}

/** Every saved certificate, by number. */
export async function savedCertificates<T>(): Promise<Map<string, Saved<T>>> {
  const tx = (await db()).transaction("certificates");
  const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
  return new Map(keys.map((k, i) => [k, values[i] as Saved<T>]));
}

export async function saveSnapshot<T>(name: string, data: T, now = new Date()): Promise<void> {
  await (await db()).put("snapshots", { data, savedAt: now.toISOString() }, name);
}

export async function loadSnapshot<T>(name: string): Promise<Saved<T> | undefined> {
  return (await (await db()).get("snapshots", name)) as Saved<T> | undefined;
}

/** Empty the person's stores: queued check-ins, saved certificates and snapshots. */
export async function forgetPersonal(): Promise<void> {
  const tx = (await db()).transaction(PERSONAL, "readwrite");
  await Promise.all([...PERSONAL.map((name) => tx.objectStore(name).clear()), tx.done]);
}
