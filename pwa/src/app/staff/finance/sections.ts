// The sections of an organisation's 绿色金融 tab, in the order shown. Each is a lazy chunk whose
// `Desk` receives the desk's path (`/org/:id?tab=finance&section=…`) and decides for itself what
// the organisation's roles let it show (an institution's products, a holder's pledges, …).
import type { DeskModule } from "../../components/Lazy";
import { gt } from "./greenMessages";
import { lt } from "./lendMessages";
import { pt } from "./pledgeMessages";

export type Section = {
  key: string;
  /** The section's label, worded in the current language. */
  label: () => string;
  load: DeskModule;
};

export const SECTIONS: Section[] = [
  { key: "pledges", label: () => pt("pl.section"), load: () => import("./Pledges") },
  { key: "financing", label: () => lt("ln.financing"), load: () => import("./Financing") },
  { key: "products", label: () => lt("ln.products"), load: () => import("./Products") },
  // 绿蓉融: the organisation's listing applications (and the operators' review), its ESG page
  { key: "listings", label: () => gt("gr.section.listings"), load: () => import("./Listings") },
  { key: "esg", label: () => gt("gr.section.esg"), load: () => import("./Esg") },
];
