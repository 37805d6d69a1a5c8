// The public green-finance pages under /finance, first match wins. Each is a lazy chunk whose
// `Desk` receives the path; `pattern` is a paths.ts pattern (":name" segments).
import type { DeskModule } from "../../components/Lazy";

export type FinanceRoute = { pattern: string; load: DeskModule };

export const ROUTES: FinanceRoute[] = [
  { pattern: "/finance", load: () => import("./Overview") },
  { pattern: "/finance/products", load: () => import("./ProductList") },
  { pattern: "/finance/products/:id", load: () => import("./ProductPage") },
];
