// The sections of an organisation's 绿色金融 tab, in the order shown. Each is a lazy chunk whose
// `Desk` receives the desk's path (`/org/:id?tab=finance&section=…`) and decides for itself what
// the organisation's roles let it show (an institution's products, a holder's pledges, …).
import type { DeskModule } from "../../components/Lazy";
import { lt } from "./lendMessages";

export type Section = {
  key: string;
  /** The section's label, worded in the current language. */
  label: () => string;
  load: DeskModule;
};

export const SECTIONS: Section[] = [
  { key: "financing", label: () => lt("ln.financing"), load: () => import("./Financing") },
  { key: "products", label: () => lt("ln.products"), load: () => import("./Products") },
];
