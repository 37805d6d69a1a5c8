// The committed API types must be what openapi-typescript makes of shared/schemas/openapi.json.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const pwa = fileURLToPath(new URL("..", import.meta.url));

it("src/app/api/schema.d.ts matches shared/schemas/openapi.json (run `npm run gen:api`)", () => {
  const out = join(mkdtempSync(join(tmpdir(), "diandian-api-")), "schema.d.ts");
  execFileSync(
    join(pwa, "node_modules/.bin/openapi-typescript"),
    [resolve(pwa, "../shared/schemas/openapi.json"), "-o", out],
    { stdio: "pipe" },
  );
  const committed = readFileSync(join(pwa, "src/app/api/schema.d.ts"), "utf8");
  expect(readFileSync(out, "utf8") === committed, "schema.d.ts is stale").toBe(true);
}, 30_000);
