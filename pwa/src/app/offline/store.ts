// IndexedDB (through idb): drafts of forms, and requests waiting for the network.
import { openDB, type DBSchema, type IDBPDatabase } from "idb";

export interface QueuedCheckIn {
  id?: number;
  kind: "checkin";
  venue: string;
  queuedAt: string;
}

interface Schema extends DBSchema {
  drafts: { key: string; value: unknown };
  queue: { key: number; value: QueuedCheckIn };
}

let opened: Promise<IDBPDatabase<Schema>> | null = null;

function db(): Promise<IDBPDatabase<Schema>> {
  opened ??= openDB<Schema>("diandian", 1, {
    upgrade(d) {
      d.createObjectStore("drafts");
      d.createObjectStore("queue", { keyPath: "id", autoIncrement: true });
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
