// Pure helpers for in-app paths (no browser globals, so they are unit-tested in Node).

/** `/certificates/:number` against a path: the parameters, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const norm = (x: string): string => x.replace(/\/+$/, "") || "/";
  const p = norm(pattern).split("/");
  const s = norm(path).split("/");
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg.startsWith(":")) params[seg.slice(1)] = decodeURIComponent(s[i]!);
    else if (seg !== s[i]) return null;
  }
  return params;
}

/** Only in-app paths are followed after sign-in, never another site. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}
