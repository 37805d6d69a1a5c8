// The public green-finance pages under /finance, first match wins. Each is a lazy chunk whose
// `Desk` receives the path; `pattern` is a paths.ts pattern (":name" segments).
import type { DeskModule } from "../../components/Lazy";

export type FinanceRoute = { pattern: string; load: DeskModule };

// 绿蓉融: listed projects and enterprises, a project's page, a published ESG disclosure
const green: DeskModule = () => import("./Green");

export const ROUTES: FinanceRoute[] = [
  { pattern: "/finance", load: () => import("./Overview") },
  { pattern: "/finance/products", load: () => import("./ProductList") },
  { pattern: "/finance/products/:id", load: () => import("./ProductPage") },
  { pattern: "/finance/pledges", load: () => import("./Pledges") },
  { pattern: "/finance/projects", load: green },
  { pattern: "/finance/projects/:id", load: green },
  { pattern: "/finance/enterprises", load: green },
  { pattern: "/finance/esg/:org", load: green },
];
