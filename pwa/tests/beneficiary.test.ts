import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { keepTypedName, shownName, typedName } from "../src/app/beneficiary";

describe("the name on the certificate in a calculator", () => {
  it("keeps what was typed, per calculator, to come back to after signing in", async () => {
    await keepTypedName("meeting", "成都市生态环境学会");
    expect(await typedName("meeting")).toBe("成都市生态环境学会");
    expect(await typedName("flight")).toBeUndefined();
  });

  it("treats a name emptied (or only blanks) as none typed", async () => {
    await keepTypedName("venue", "  ");
    expect(await typedName("venue")).toBeUndefined();
  });

  it("shows the display name only in a field nobody typed in, never over what was typed", () => {
    expect(shownName("成都市生态环境学会", "李会务 Event organiser")).toBe("成都市生态环境学会");
    expect(shownName("", "李会务 Event organiser")).toBe("");
    expect(shownName(undefined, "李会务 Event organiser")).toBe("李会务 Event organiser");
    expect(shownName(undefined, undefined)).toBe("");
  });
});
